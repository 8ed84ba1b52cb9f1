/** A mail as the local SES endpoint captured it (`GET <SES_ENDPOINT>/store`). */
export interface CapturedMail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

/**
 * The mail the local SES captured that `keep` selects: every test file of a run shares the
 * endpoint, so each looks only at its own (its sender, its recipient).
 */
export async function capturedMail(keep: (mail: CapturedMail) => boolean): Promise<CapturedMail[]> {
  const res = await fetch(`${process.env.SES_ENDPOINT}/store`);
  const { emails } = (await res.json()) as { emails: CapturedMail[] };
  return emails.filter(keep);
}
