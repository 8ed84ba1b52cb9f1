import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviceDriver } from '../../shared/devices';
import { commitTimer, eosSessionCommands } from '../../shared/devices/drivers/eos';
import {
  parseEapiReply,
  parseEosIdentity,
  parseEosNeighbors,
  parseEosVersion,
} from '../../shared/devices/drivers/eos-state';
import { iosCandidate, scpPayload } from '../../shared/devices/drivers/ios';
import { parseIosIdentity, parseIosSummary, parseIosVersion } from '../../shared/devices/drivers/ios-state';
import { xrCandidateText } from '../../shared/devices/drivers/iosxr';
import {
  bgpStanza,
  parseXrCliText,
  parseXrNeighbors,
  routerIdentityOf,
} from '../../shared/devices/drivers/iosxr-state';
import { junosGroupText } from '../../shared/devices/drivers/junos';
import {
  parseJunosLastCommit,
  parseJunosNeighbors,
  parseJunosRoutingOptions,
  parseJunosVersion,
} from '../../shared/devices/drivers/junos-state';
import { parseXml, type XmlNode } from '../../shared/devices/netconf/xml';

const FIXTURES = join(__dirname, '../fixtures/vendors');
const fixture = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');
const reply = (path: string): XmlNode => parseXml(fixture(path))['rpc-reply']![0]!;

describe('Junos replies', () => {
  it('reads every BGP peer: address without its port, state, shutdown as admin_down, prefixes summed over RIBs', () => {
    expect(parseJunosNeighbors(reply('junos/bgp-neighbors.xml'))).toEqual([
      {
        peerIp: '192.0.2.2',
        peerAsn: 64501,
        state: 'established',
        prefixesReceived: 120,
        prefixesAccepted: 118,
      },
      {
        peerIp: '2001:db8::2',
        peerAsn: 64502,
        state: 'active',
        prefixesReceived: null,
        prefixesAccepted: null,
      },
      {
        peerIp: '198.51.100.7',
        peerAsn: 64503,
        state: 'admin_down',
        prefixesReceived: null,
        prefixesAccepted: null,
      },
      {
        peerIp: '203.0.113.9',
        peerAsn: 64504,
        state: 'established',
        prefixesReceived: 15,
        prefixesAccepted: 14,
      },
    ]);
  });

  it('reads the identity: version and model, router id and AS from the inherited routing-options', () => {
    expect(parseJunosVersion(reply('junos/software-information.xml'))).toBe('Junos 21.4R3-S5.4 (mx204)');
    expect(parseJunosRoutingOptions(reply('junos/routing-options.xml'))).toEqual({
      routerId: '192.0.2.1',
      asn: 64500,
    });
  });

  it("tells peerflow's unconfirmed commit from the newest commit's log", () => {
    expect(parseJunosLastCommit(reply('junos/commit-information.xml')).log).toBe(
      'peerflow: confirmed commit',
    );
  });

  it('wraps the rendered config in the peerflow group, replaced whole and applied', () => {
    const text = junosGroupText('protocols {\n    bgp {\n    }\n}\n');
    expect(text).toBe(
      'groups {\n    replace: peerflow {\n        protocols {\n            bgp {\n            }\n        }\n    }\n}\napply-groups peerflow;\n',
    );
  });
});

describe('IOS XR replies', () => {
  it('reads the BGP operational neighbors: estab, active, shut down; received = accepted + denied', () => {
    expect(parseXrNeighbors(reply('iosxr/bgp-neighbors.xml'))).toEqual([
      {
        peerIp: '192.0.2.2',
        peerAsn: 64501,
        state: 'established',
        prefixesReceived: 120,
        prefixesAccepted: 118,
      },
      {
        peerIp: '2001:db8::2',
        peerAsn: 64502,
        state: 'active',
        prefixesReceived: null,
        prefixesAccepted: null,
      },
      {
        peerIp: '198.51.100.7',
        peerAsn: 64503,
        state: 'admin_down',
        prefixesReceived: null,
        prefixesAccepted: null,
      },
    ]);
  });

  it('takes the router bgp stanza out of the CLI-config text, with its identity', () => {
    const stanza = bgpStanza(parseXrCliText(reply('iosxr/running-cli.xml')));
    expect(stanza.startsWith('router bgp 64500\n bgp router-id 192.0.2.1\n')).toBe(true);
    expect(stanza).toContain('description AS64501 <example>');
    expect(stanza).not.toContain('ssh server');
    expect(routerIdentityOf(stanza)).toEqual({ asn: 64500, routerId: '192.0.2.1' });
  });

  it('puts the rendered stanza in place of the running one', () => {
    expect(xrCandidateText('router bgp 64500\n neighbor 192.0.2.2\n')).toBe(
      'no router bgp 64500\nrouter bgp 64500\n neighbor 192.0.2.2\n',
    );
  });
});

describe('EOS eAPI replies', () => {
  const results = () => {
    const r = parseEapiReply(fixture('eos/run-state.json'));
    if (!r.ok) throw new Error(r.message);
    return r.results;
  };

  it('reads version, router id and AS (a string in eAPI)', () => {
    const [, version, summary] = results();
    expect(parseEosVersion(version)).toBe('EOS 4.31.2F (DCS-7280SR-48C6)');
    expect(parseEosIdentity(summary)).toEqual({ routerId: '192.0.2.1', asn: 64500 });
  });

  it('reads IPv4 and IPv6 neighbors; an admin shutdown is admin_down; a 4-byte AS stays whole', () => {
    const [, , , v4, v6] = results();
    expect([...parseEosNeighbors(v4), ...parseEosNeighbors(v6)]).toEqual([
      {
        peerIp: '192.0.2.2',
        peerAsn: 64501,
        state: 'established',
        prefixesReceived: 120,
        prefixesAccepted: 118,
      },
      {
        peerIp: '203.0.113.9',
        peerAsn: 64504,
        state: 'openconfirm',
        prefixesReceived: 0,
        prefixesAccepted: 0,
      },
      {
        peerIp: '198.51.100.7',
        peerAsn: 64503,
        state: 'admin_down',
        prefixesReceived: null,
        prefixesAccepted: null,
      },
      {
        peerIp: '2001:db8::2',
        peerAsn: 4_200_000_000,
        state: 'active',
        prefixesReceived: 0,
        prefixesAccepted: 0,
      },
    ]);
  });

  it("turns a refused command into its message and the command's own errors", () => {
    const r = parseEapiReply(fixture('eos/run-error.json'));
    expect(r).toEqual({
      ok: false,
      message:
        "CLI command 4 of 6 'neighbor 192.0.2.2 remote-as 99999999999' failed: invalid command: Invalid input (at token 3: '99999999999')",
    });
  });

  it('builds the session: the stanza removed then the rendered lines, comments left out; the timer as hh:mm:ss', () => {
    expect(eosSessionCommands('! peerflow\nrouter bgp 64500\n   router-id 192.0.2.1\n   ! a note\n')).toEqual(
      ['no router bgp 64500', 'router bgp 64500', 'router-id 192.0.2.1'],
    );
    expect(commitTimer(300)).toBe('00:05:00');
    expect(commitTimer(3725)).toBe('01:02:05');
    expect(commitTimer(0.2)).toBe('00:00:01');
  });
});

describe('IOS CLI output', () => {
  it('reads both summaries: a count means established, Idle (Admin) is admin_down, a wrapped IPv6 line is one neighbor', () => {
    const all = [
      ...parseIosSummary(fixture('ios/bgp-ipv4-summary.txt')),
      ...parseIosSummary(fixture('ios/bgp-ipv6-summary.txt')),
    ];
    expect(all).toEqual([
      {
        peerIp: '192.0.2.2',
        peerAsn: 64501,
        state: 'established',
        prefixesReceived: 120,
        prefixesAccepted: 120,
      },
      {
        peerIp: '198.51.100.7',
        peerAsn: 64503,
        state: 'admin_down',
        prefixesReceived: null,
        prefixesAccepted: null,
      },
      {
        peerIp: '203.0.113.9',
        peerAsn: 64504,
        state: 'active',
        prefixesReceived: null,
        prefixesAccepted: null,
      },
      {
        peerIp: '2001:db8:0:ffff::2',
        peerAsn: 64502,
        state: 'established',
        prefixesReceived: 7,
        prefixesAccepted: 7,
      },
      {
        peerIp: '2001:db8::9',
        peerAsn: 64505,
        state: 'connect',
        prefixesReceived: null,
        prefixesAccepted: null,
      },
    ]);
  });

  it('reads the identity and version', () => {
    expect(parseIosIdentity(fixture('ios/bgp-ipv4-summary.txt'))).toEqual({
      routerId: '192.0.2.1',
      asn: 64500,
    });
    expect(parseIosVersion(fixture('ios/show-version.txt'))).toBe('Cisco IOS XE Software, Version 17.09.04a');
  });

  it('swaps the running router bgp stanza for the rendered one and keeps the rest of the config', () => {
    const running =
      'hostname ar1\n!\nrouter bgp 64500\n bgp router-id 192.0.2.1\n neighbor 192.0.2.9 remote-as 64509\n!\nline vty 0 4\nend\n';
    const candidate = iosCandidate(running, 'router bgp 64500\n neighbor 192.0.2.2 remote-as 64501\n!\n');
    expect(candidate).toBe(
      'hostname ar1\n!\nrouter bgp 64500\n neighbor 192.0.2.2 remote-as 64501\n!\nline vty 0 4\nend\n',
    );
    expect(iosCandidate('hostname ar1\nend\n', 'router bgp 1\n!\n')).toBe(
      'hostname ar1\nrouter bgp 1\n!\nend\n',
    );
  });

  it('frames the SCP upload with its size in bytes', () => {
    expect(scpPayload('c.cfg', 'é\n')).toBe('C0644 3 c.cfg\né\n\0');
  });
});

describe('the vendor platforms have drivers', () => {
  it.each(['junos', 'cisco-iosxr', 'arista-eos', 'cisco-ios'] as const)('%s', (platform) => {
    expect(deviceDriver(platform)?.platform).toBe(platform);
  });
});
