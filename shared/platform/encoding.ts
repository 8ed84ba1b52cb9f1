/** A value as base64url-encoded JSON: the form of list cursors and of a token's header and claims. */
export function toBase64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** The value that base64url-encoded JSON holds; undefined when the text is not that. */
export function fromBase64UrlJson(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
