import { createHash } from 'node:crypto';

/**
 * A router's SSH host key is pinned by its SHA-256 fingerprint: the digest of the raw public key
 * blob, as OpenSSH computes it. Operators copy it from `ssh-keygen -lf <key>.pub`
 * (`SHA256:<base64 without padding>`) or as 64 hex digits; both name the same 32 bytes.
 */
const OPENSSH_FORM = /^SHA256:([A-Za-z0-9+/]{43})=?$/;
const HEX_FORM = /^[0-9a-fA-F]{64}$/;
const COLON_HEX_FORM = /^[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){31}$/;

function openSshForm(digest: Buffer): string {
  return `SHA256:${digest.toString('base64').replace(/=+$/, '')}`;
}

/**
 * The fingerprint in OpenSSH's form (`SHA256:...`), from either accepted spelling (surrounding
 * blanks ignored); null when `value` is neither a SHA-256 fingerprint in OpenSSH's form nor 64 hex
 * digits (plain or in colon-separated pairs).
 */
export function normalizeHostKeyFingerprint(value: string): string | null {
  const text = value.trim();
  const b64 = OPENSSH_FORM.exec(text)?.[1];
  if (b64 !== undefined) {
    const digest = Buffer.from(b64, 'base64');
    // 43 base64 characters carry 258 bits: the last two must be zero for a canonical 32 bytes.
    return digest.length === 32 && openSshForm(digest) === `SHA256:${b64}` ? `SHA256:${b64}` : null;
  }
  if (HEX_FORM.test(text) || COLON_HEX_FORM.test(text)) {
    return openSshForm(Buffer.from(text.replace(/:/g, ''), 'hex'));
  }
  return null;
}

/** True when `value` is a fingerprint `normalizeHostKeyFingerprint` accepts. */
export function isHostKeyFingerprint(value: string): boolean {
  return normalizeHostKeyFingerprint(value) !== null;
}

/** The SHA-256 fingerprint of a raw SSH public key blob, in OpenSSH's form. */
export function hostKeyFingerprint(keyBlob: Uint8Array): string {
  return openSshForm(createHash('sha256').update(keyBlob).digest());
}
