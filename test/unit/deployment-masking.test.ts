import { describe, expect, it } from 'vitest';
import { maskPasswordSyntax } from '../../shared/deployments/workflow';

describe('what a deployment records of a device', () => {
  it("hides a password in each daemon's syntax, whoever set it", () => {
    const seen = [
      'protocol bgp p1 from peers {\n  neighbor 192.0.2.2 as 64501;\n  password "old-Secret1";\n}',
      ' neighbor 192.0.2.2 password old-Secret2',
      '\ttcp md5sig password old-Secret3',
      '[neighbors.config]\n  auth-password = "old-Secret4"',
      '[{"conf":{"neighbor_address":"192.0.2.2","auth_password":"old-Secret5","peer_asn":64501}}]',
    ].join('\n');
    const masked = maskPasswordSyntax(seen);
    for (let i = 1; i <= 5; i += 1) expect(masked).not.toContain(`old-Secret${i}`);
    expect(masked).toContain('password "PASSWORD-NOT-SHOWN";');
    expect(masked).toContain('neighbor 192.0.2.2 password PASSWORD-NOT-SHOWN');
    expect(masked).toContain('"auth_password":"PASSWORD-NOT-SHOWN","peer_asn":64501');
    // The rest stays as the device said it.
    expect(masked).toContain('neighbor 192.0.2.2 as 64501;');
  });

  it('leaves text without a password alone', () => {
    const text = 'BGP state:          Established\n  Neighbor address: 192.0.2.2\n  password_set: true';
    expect(maskPasswordSyntax(text)).toBe(text);
  });
});
