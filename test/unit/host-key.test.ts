import { describe, expect, it } from 'vitest';
import { hostKeyFingerprint, isHostKeyFingerprint, normalizeHostKeyFingerprint } from '../../shared/devices';

/** A host key fingerprint, pinned by an operator in either spelling, reads as OpenSSH prints it. */
const DIGEST = Buffer.from('0f'.repeat(8) + 'a1'.repeat(8) + '3c'.repeat(8) + 'ff'.repeat(8), 'hex');
const OPENSSH = `SHA256:${DIGEST.toString('base64').replace(/=+$/, '')}`;

describe('host key fingerprints', () => {
  it('keeps the OpenSSH form, and drops a padding character or surrounding blanks', () => {
    expect(normalizeHostKeyFingerprint(OPENSSH)).toBe(OPENSSH);
    expect(normalizeHostKeyFingerprint(`  ${OPENSSH}=\n`)).toBe(OPENSSH);
  });

  it('turns 64 hex digits, in either case or in colon-separated pairs, into the OpenSSH form', () => {
    const hex = DIGEST.toString('hex');
    expect(normalizeHostKeyFingerprint(hex)).toBe(OPENSSH);
    expect(normalizeHostKeyFingerprint(hex.toUpperCase())).toBe(OPENSSH);
    expect(normalizeHostKeyFingerprint(hex.match(/../g)!.join(':'))).toBe(OPENSSH);
  });

  it.each([
    ['empty', ''],
    ['MD5 form', 'MD5:' + '0f:'.repeat(15) + '0f'],
    ['63 hex digits', 'a'.repeat(63)],
    ['65 hex digits', 'a'.repeat(65)],
    ['no algorithm', OPENSSH.slice('SHA256:'.length)],
    ['lower-case algorithm', OPENSSH.replace('SHA256', 'sha256')],
    ['a character short', OPENSSH.slice(0, -1)],
    ['a non-canonical last character', `${OPENSSH.slice(0, -1)}1`],
    ['URL-safe base64', `SHA256:${DIGEST.toString('base64url')}`],
    ['SHA-512 length', `SHA256:${Buffer.alloc(64, 1).toString('base64').replace(/=+$/, '')}`],
  ])('refuses %s', (_what, value) => {
    expect(normalizeHostKeyFingerprint(value)).toBeNull();
    expect(isHostKeyFingerprint(value)).toBe(false);
  });

  it('computes what ssh-keygen -l printed for the same keys', () => {
    // Public keys made for this test, and what `ssh-keygen -lf` printed for each.
    const keys = [
      [
        'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP/xfu3H0UweURZ3ND2GSop7fOecVNsE1Qy69qaoJ7i+',
        'SHA256:zH8ABcdBNgbbslTZnfa4Nz68MeqLMgy8jQPDa4Mt2zY',
      ],
      [
        'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQCydbCzAoJV1e5HWcogHuykcFqONTIIjv1yZBg1m4aqKuQLo6Y1UW2EKj5p2xm3QPLaghGlZSFwlqhxlC9BDUsRwa6Sx7rFwvL4VOlNcwA4uEPdhcv+fBDP5R+I/8lbPot5aXm8xXSKh9Q2CK1xpqX5TDdqO1xXA/Y1HN3HyBfRb2RR+20eHR5oGdUZ0n80O0AGifTp6wWIJhmDmQxLBhx2BY1rOrOR49k0an0X19rgXSR/Kl9POTeqeHQsyBAN60ihClVOW2AjI6VyvecgVg0uhN7bH1l+hz9hN3FjfY1xZaWiP/wCtrYYeY6QDDb8oUkR+WIMq1DojCOsZWQG+N+F',
        'SHA256:AeADQfCuYrRLFR9moDckLOmrbJAeeZAXRHq2Ibn0Roc',
      ],
    ];
    for (const [line, printed] of keys) {
      expect(hostKeyFingerprint(Buffer.from(line!.split(' ')[1]!, 'base64'))).toBe(printed);
      expect(normalizeHostKeyFingerprint(printed!)).toBe(printed);
    }
  });
});
