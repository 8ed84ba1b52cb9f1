import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How a receiver knows a delivery is peerflow's: `Peerflow-Signature: t=<unix seconds>,v1=<hex>`,
 * the HMAC-SHA256, under the webhook's secret, of `<t>.<body>` (the body exactly as sent). The
 * timestamp is signed with the body, so a receiver that refuses old timestamps refuses replays.
 */
export const SIGNATURE_HEADER = 'peerflow-signature';
export const EVENT_ID_HEADER = 'peerflow-event-id';
export const EVENT_TYPE_HEADER = 'peerflow-event-type';
export const ATTEMPT_HEADER = 'peerflow-delivery-attempt';

export function signPayload(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * What a receiver does (given here for the README's example and the tests): the signature must be
 * the body's under the secret, and its timestamp within `toleranceSeconds` of now.
 */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  toleranceSeconds = 300,
  now = Date.now(),
): boolean {
  const parts = Object.fromEntries(
    header.split(',').map((p) => {
      const at = p.indexOf('=');
      return [p.slice(0, at).trim(), p.slice(at + 1).trim()];
    }),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(now / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, t, body).split('v1=')[1] as string, 'hex');
  const given = Buffer.from(String(parts.v1 ?? ''), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A new signing secret: 32 random bytes, base64url, with a prefix that says what it is. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
