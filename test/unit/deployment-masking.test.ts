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

  it("hides the vendors' stored forms of a secret too, which their own tools turn back into the secret", () => {
    const seen = [
      // IOS and EOS show a neighbor's password in type 7, which reverses to the password.
      ' neighbor 192.0.2.2 password 7 070C285F4D06',
      '   neighbor 192.0.2.3 password 7 y9ZHMWpv4X2Qe7XT0hVqFA==',
      ' neighbor 192.0.2.4 password 0 clearText9',
      // IOS XR
      '  password encrypted 0822455D0A1654',
      '  password clear xrClear1',
      // A whole IOS running config, as validation reads it.
      'enable secret 9 $9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM',
      'username admin privilege 15 password 7 094F471A1A0A',
      'snmp-server community c0mmunity-Str RO',
      ' key-string 7 13061E010803',
      // Junos, in its text format and as NETCONF XML.
      '            authentication-key "$9$jUkqf3nCu0BEcrvX-dsgJUjq"; ## SECRET-DATA',
      '<authentication-key>$9$AbCdEfG12345</authentication-key>',
    ].join('\n');
    const masked = maskPasswordSyntax(seen);
    for (const secret of [
      '070C285F4D06',
      'y9ZHMWpv4X2Qe7XT0hVqFA==',
      'clearText9',
      '0822455D0A1654',
      'xrClear1',
      '$9$nhEmQVczB7dqsO',
      '094F471A1A0A',
      'c0mmunity-Str',
      '13061E010803',
      '$9$jUkqf3nCu0BEcrvX',
      '$9$AbCdEfG12345',
    ]) {
      expect(masked).not.toContain(secret);
    }
    expect(masked).toContain(' neighbor 192.0.2.2 password 7 PASSWORD-NOT-SHOWN');
    expect(masked).toContain('authentication-key "PASSWORD-NOT-SHOWN"; ## SECRET-DATA');
    expect(masked).toContain('snmp-server community PASSWORD-NOT-SHOWN RO');
  });

  it('leaves text without a password alone', () => {
    const text = 'BGP state:          Established\n  Neighbor address: 192.0.2.2\n  password_set: true';
    expect(maskPasswordSyntax(text)).toBe(text);
  });
});
