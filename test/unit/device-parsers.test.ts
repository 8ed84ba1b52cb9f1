import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLATFORM_REGISTRY } from '../../shared/config-render';
import { deviceDriver } from '../../shared/devices';
import {
  birdLocalAs,
  birdNeighbors,
  birdReplyLines,
  parseBirdProtocols,
  parseBirdStatus,
} from '../../shared/devices/drivers/bird-protocols';
import { joinBaseAndManaged, retargetInclude } from '../../shared/devices/drivers/config-files';
import {
  frrReloadFailure,
  frrRunningConfigAsFile,
  parseFrrAs,
  parseFrrNeighbors,
  parseFrrRouterId,
  parseFrrVersion,
} from '../../shared/devices/drivers/frr-state';
import {
  changedGobgpNeighbors,
  gobgpdPidsFor,
  parseGobgpdVersion,
  parseGobgpGlobal,
  parseGobgpNeighbors,
  summarizeGobgpConfig,
  withoutGobgpNeighbors,
} from '../../shared/devices/drivers/gobgp-state';
import {
  bgpctlReloadFailure,
  md5ChangedNeighbors,
  parseBgpctlNeighbors,
  parseBgpdGlobals,
  parseBgpdVersion,
} from '../../shared/devices/drivers/openbgpd-state';

/**
 * The drivers' readers of daemon output, on output captured from the daemons of Debian 12 (BIRD
 * 2.0.12, FRR 8.4.4, OpenBGPD 7.7, GoBGP 3.10) in a lab: files in test/fixtures/daemons, short
 * answers inline.
 */
const fixture = (name: string) => readFileSync(join('test', 'fixtures', 'daemons', name), 'utf8');

describe('BIRD', () => {
  it('reads version and router id from show status', () => {
    expect(parseBirdStatus(fixture('bird-show-status.txt'))).toEqual({
      version: 'BIRD 2.0.12',
      routerId: '192.0.2.1',
    });
    expect(parseBirdStatus('BIRD 2.0.12 ready.\nDaemon is up and running\n')).toBeNull();
  });

  it('reads every BGP protocol of show protocols all, and no other protocol', () => {
    const protocols = parseBirdProtocols(fixture('bird-show-protocols-all.txt'));
    expect(protocols.map((p) => p.name)).toEqual([
      'as64511_192_0_2_2',
      'as64512_192_0_2_3',
      'as4200000000_2001_db8__3',
      'off_192_0_2_4',
    ]);
    expect(protocols[0]).toEqual({
      name: 'as64511_192_0_2_2',
      protocolState: 'up',
      bgpState: 'Established',
      neighborAddress: '192.0.2.2',
      neighborAs: 64511,
      localAs: 64500,
      imported: 2,
      filtered: 1,
    });
  });

  it('maps states and route counts to neighbors: received only where filtered routes are kept', () => {
    const neighbors = birdNeighbors(parseBirdProtocols(fixture('bird-show-protocols-all.txt')));
    expect(neighbors).toEqual([
      { peerIp: '192.0.2.2', peerAsn: 64511, state: 'established', prefixesReceived: 3, prefixesAccepted: 2 },
      {
        peerIp: '192.0.2.3',
        peerAsn: 64512,
        state: 'connect',
        prefixesReceived: null,
        prefixesAccepted: null,
      },
      {
        peerIp: '2001:db8::3',
        peerAsn: 4200000000,
        state: 'idle',
        prefixesReceived: null,
        prefixesAccepted: null,
      },
      {
        peerIp: '192.0.2.4',
        peerAsn: 64513,
        state: 'admin_down',
        prefixesReceived: null,
        prefixesAccepted: null,
      },
    ]);
  });

  it('refuses a BGP state it does not know instead of guessing', () => {
    const text = fixture('bird-show-protocols-all.txt').replace(
      'BGP state:          Connect',
      'BGP state:          Dancing',
    );
    expect(birdNeighbors(parseBirdProtocols(text))).toMatch(/unknown BGP state "Dancing"/);
  });

  it('takes the AS most protocols use, and none without a protocol', () => {
    const protocols = parseBirdProtocols(fixture('bird-show-protocols-all.txt'));
    // Three protocols say 64500, one overrides it with 64501.
    expect(birdLocalAs(protocols)).toBe(64500);
    expect(birdLocalAs([])).toBeNull();
  });

  it('reads the message lines of configure answers', () => {
    expect(
      birdReplyLines(
        'BIRD 2.0.12 ready.\nReading configuration from /etc/bird/bird.conf.candidate\nUndo scheduled in 60 s\nReconfigured\n',
      ),
    ).toEqual(['Undo scheduled in 60 s', 'Reconfigured']);
    expect(
      birdReplyLines(
        'BIRD 2.0.12 ready.\nReading configuration from /etc/bird/bird.conf.candidate\n/etc/bird/bird.conf.candidate:1:0 syntax error, unexpected END\n',
      ),
    ).toEqual(['/etc/bird/bird.conf.candidate:1:0 syntax error, unexpected END']);
    expect(birdReplyLines('BIRD 2.0.12 ready.\nUndo requested\nNothing to do\n')).toEqual([
      'Undo requested',
      'Nothing to do',
    ]);
  });
});

describe('FRR', () => {
  it('reads router id, AS and version', () => {
    expect(parseFrrRouterId(fixture('frr-show-bgp-vrfs.json'))).toBe('192.0.2.1');
    expect(parseFrrRouterId('{\n}\n')).toBeNull();
    const running =
      '!\nfrr version 8.4.4\n!\nrouter bgp 64500 vrf blue\nexit\n!\nrouter bgp 64500\n bgp router-id 192.0.2.1\nexit\n';
    expect(parseFrrAs(running.replace('router bgp 64500\n', 'router bgp 64501\n'))).toBe(64501);
    expect(parseFrrAs('!\nfrr version 8.4.4\nend\n')).toBeNull();
    expect(parseFrrVersion(fixture('frr-show-version.txt'))).toBe('FRRouting 8.4.4');
  });

  it('reads every neighbor of show bgp neighbors json with its state and accepted prefixes', () => {
    expect(parseFrrNeighbors(fixture('frr-show-bgp-neighbors.json'))).toEqual([
      {
        peerIp: '192.0.2.2',
        peerAsn: 64511,
        state: 'established',
        prefixesReceived: null,
        prefixesAccepted: 3,
      },
      { peerIp: '192.0.2.3', peerAsn: 64512, state: 'connect', prefixesReceived: null, prefixesAccepted: 0 },
      // Shut down: no address family, no count.
      {
        peerIp: '192.0.2.4',
        peerAsn: 64513,
        state: 'admin_down',
        prefixesReceived: null,
        prefixesAccepted: null,
      },
      {
        peerIp: '2001:db8::3',
        peerAsn: 4200000000,
        state: 'active',
        prefixesReceived: null,
        prefixesAccepted: 0,
      },
    ]);
    expect(parseFrrNeighbors('{\n}\n')).toEqual([]);
    expect(parseFrrNeighbors('% BGP instance not found')).toBe('not a JSON object');
  });

  it('turns show running-config into a file frr-reload.py loads', () => {
    const shown =
      'Building configuration...\n\nCurrent configuration:\n!\nfrr version 8.4.4\nrouter bgp 64500\nexit\n!\nend';
    expect(frrRunningConfigAsFile(shown)).toBe('!\nfrr version 8.4.4\nrouter bgp 64500\nexit\n!\nend\n');
  });

  it("reads frr-reload.py's failures from its exit status and its log", () => {
    expect(frrReloadFailure(0, '2026-12-05 21:17:31,028  INFO: Called via "Namespace(...)"\n')).toBeNull();
    const refused =
      '2026-12-05 21:17:39,029 \u001b[91m  ERROR\u001b[0m: vtysh failed to process new configuration: vtysh (mark file) exited with status 4:\n' +
      "b'line 11: % Command incomplete:  neighbor 192.0.2.9 remote-as\\n\\n'\n";
    expect(frrReloadFailure(1, refused)).toBe(
      'ERROR: vtysh failed to process new configuration: vtysh (mark file) exited with status 4:\n' +
        "b'line 11: % Command incomplete:  neighbor 192.0.2.9 remote-as\\n\\n'",
    );
    // An ERROR in the log fails the reload even when the exit status does not say so.
    expect(frrReloadFailure(0, refused)).not.toBeNull();
    expect(frrReloadFailure(2, '')).toBe('frr-reload.py exited with 2');
  });
});

describe('OpenBGPD', () => {
  it('reads bgpctl -j show neighbor: remote_as as a string, received prefixes', () => {
    expect(parseBgpctlNeighbors(fixture('bgpctl-show-neighbor.json'))).toEqual([
      {
        peerIp: '192.0.2.2',
        peerAsn: 64511,
        state: 'established',
        prefixesReceived: 3,
        prefixesAccepted: null,
      },
    ]);
  });

  it('maps a neighbor configured down to admin_down, and refuses an unknown state', () => {
    const one = JSON.parse(fixture('bgpctl-show-neighbor.json')) as { neighbors: Record<string, unknown>[] };
    const n = one.neighbors[0]!;
    const down = { ...n, state: 'Idle', config: { ...(n.config as object), down: true } };
    expect(parseBgpctlNeighbors(JSON.stringify({ neighbors: [down] }))).toMatchObject([
      { state: 'admin_down' },
    ]);
    expect(parseBgpctlNeighbors(JSON.stringify({ neighbors: [{ ...n, state: 'Weird' }] }))).toMatch(
      /unknown state/,
    );
  });

  it('reads the answer of bgpctl reload, which exits 0 either way', () => {
    expect(bgpctlReloadFailure(0, 'reload request sent.\nrequest processed\n')).toBeNull();
    expect(bgpctlReloadFailure(0, 'reload request sent.\nconfig file has errors, reload failed\n')).toBe(
      'reload request sent.\nconfig file has errors, reload failed',
    );
    expect(bgpctlReloadFailure(0, '')).toBe('bgpctl reload exited with 0');
  });

  it('reads AS, router id and version from bgpd', () => {
    const printed = [
      'AS 64500',
      'router-id 192.0.2.1',
      'socket "/run/bgpd.sock"',
      'listen on 0.0.0.0',
      '',
      'group "peers_v4" {',
      '\tneighbor 192.0.2.2 {',
      '\t\tremote-as 64511',
      '\t\ttcp md5sig',
      '\t}',
      '}',
    ].join('\n');
    expect(parseBgpdGlobals(printed)).toEqual({ asn: 64500, routerId: '192.0.2.1' });
    expect(parseBgpdGlobals('configuration OK\n')).toBeNull();
    expect(parseBgpdVersion('OpenBGPD 7.7\n')).toBe('OpenBGPD 7.7');
  });

  it('finds the neighbors whose TCP-MD5 key changed, and only those', () => {
    const config = (v4: string, v6: string) =>
      [
        'AS 64500',
        'group "peers_v4" {',
        '\tneighbor 192.0.2.2 {',
        '\t\tremote-as 64511',
        v4,
        '\t}',
        '\tneighbor 192.0.2.3 {',
        '\t\tremote-as 64512',
        '\t}',
        '}',
        'group "peers_v6" {',
        '\tneighbor 2001:db8::2 {',
        v6,
        '\t}',
        '}',
      ].join('\n');
    const key = (pw: string) => `\t\ttcp md5sig password "${pw}"`;
    expect(md5ChangedNeighbors(config(key('a'), key('b')), config(key('a'), key('b')))).toEqual([]);
    expect(md5ChangedNeighbors(config(key('a'), key('b')), config(key('x'), key('b')))).toEqual([
      '192.0.2.2',
    ]);
    expect(md5ChangedNeighbors(config(key('a'), key('b')), config(key('a'), ''))).toEqual(['2001:db8::2']);
    // A neighbor new to the config has no session to reset.
    expect(md5ChangedNeighbors('AS 64500\n', config(key('a'), key('b')))).toEqual([]);
  });
});

describe('GoBGP', () => {
  it('reads gobgp global -j and gobgpd --version', () => {
    expect(parseGobgpGlobal(fixture('gobgp-global.json'))).toEqual({ asn: 64500, routerId: '192.0.2.1' });
    expect(parseGobgpGlobal('{"error":"context deadline exceeded"}')).toBeNull();
    expect(parseGobgpdVersion('gobgpd version 3.10.0\n')).toBe('gobgpd 3.10.0');
  });

  it('reads numeric enums and fields left out when zero', () => {
    expect(parseGobgpNeighbors(fixture('gobgp-neighbor-established.json'))).toEqual([
      { peerIp: '192.0.2.2', peerAsn: 64511, state: 'established', prefixesReceived: 3, prefixesAccepted: 3 },
    ]);
    expect(parseGobgpNeighbors(fixture('gobgp-neighbor-mixed.json'))).toEqual([
      // Re-added by a reload: gobgp 3.10 then leaves peer_asn out.
      { peerIp: '192.0.2.2', peerAsn: null, state: 'active', prefixesReceived: 0, prefixesAccepted: 0 },
      {
        peerIp: '2001:db8::3',
        peerAsn: 4200000000,
        state: 'active',
        prefixesReceived: 0,
        prefixesAccepted: 0,
      },
      { peerIp: '192.0.2.4', peerAsn: 64513, state: 'admin_down', prefixesReceived: 0, prefixesAccepted: 0 },
    ]);
    expect(parseGobgpNeighbors('null')).toEqual([]);
    expect(parseGobgpNeighbors('[]')).toEqual([]);
  });

  it('finds the gobgpd started with the main config file', () => {
    const pgrep = [
      '2101 gobgpd -f /etc/gobgp/gobgpd.toml -t toml --api-hosts 127.0.0.1:50051',
      '2202 gobgpd --config-file=/etc/gobgp/other.toml',
      '2303 gobgpd -f /etc/gobgp/gobgpd.toml.candidate',
      '2404 gobgpd --config-file /etc/gobgp/gobgpd.toml',
    ].join('\n');
    expect(gobgpdPidsFor(pgrep, '/etc/gobgp/gobgpd.toml')).toEqual([2101, 2404]);
    expect(gobgpdPidsFor(pgrep, '/etc/gobgp/other.toml')).toEqual([2202]);
    expect(gobgpdPidsFor('', '/etc/gobgp/gobgpd.toml')).toEqual([]);
  });

  const toml = (v4Password: string, v6Description: string) =>
    [
      '[global.config]',
      '  as = 64500',
      '  router-id = "192.0.2.1"',
      '',
      '[[defined-sets.neighbor-sets]]',
      '  neighbor-set-name = "peers_v4"',
      '  neighbor-info-list = ["192.0.2.2"]',
      '',
      '# a note on the first neighbor',
      '[[neighbors]]',
      '  [neighbors.config]',
      '    neighbor-address = "192.0.2.2"',
      '    peer-as = 64511',
      `    auth-password = "${v4Password}"`,
      '  [[neighbors.afi-safis]]',
      '    [neighbors.afi-safis.config]',
      '      afi-safi-name = "ipv4-unicast"',
      '',
      '[[neighbors]]',
      '  [neighbors.config]',
      '    neighbor-address = "2001:db8::2"',
      '    peer-as = 64511',
      `    description = "${v6Description}"`,
      '',
      '[[policy-definitions]]',
      '  name = "peers_v4_in"',
      '',
    ].join('\n');

  it('summarizes the global config and the neighbor addresses of a TOML file', () => {
    expect(summarizeGobgpConfig(toml('a', 'b'))).toEqual({
      asn: 64500,
      routerId: '192.0.2.1',
      neighbors: ['192.0.2.2', '2001:db8::2'],
    });
  });

  it('finds changed neighbor entries and cuts them out, leaving the rest of the file', () => {
    expect(changedGobgpNeighbors(toml('a', 'b'), toml('a', 'b'))).toEqual([]);
    expect(changedGobgpNeighbors(toml('a', 'b'), toml('x', 'b'))).toEqual(['192.0.2.2']);
    expect(changedGobgpNeighbors(toml('a', 'b'), toml('x', 'y'))).toEqual(['192.0.2.2', '2001:db8::2']);
    // A comment is no change to gobgpd.
    expect(changedGobgpNeighbors(toml('a', 'b'), toml('a', 'b').replace('a note', 'another note'))).toEqual(
      [],
    );

    const cut = withoutGobgpNeighbors(toml('a', 'b'), ['192.0.2.2']);
    expect(summarizeGobgpConfig(cut)).toEqual({
      asn: 64500,
      routerId: '192.0.2.1',
      neighbors: ['2001:db8::2'],
    });
    expect(cut).toContain('neighbor-info-list = ["192.0.2.2"]');
    expect(cut).toContain('[[policy-definitions]]');
    expect(cut).not.toContain('ipv4-unicast');
  });
});

describe('config files', () => {
  it('points the include of the managed file at the candidate, and only that include', () => {
    const bird =
      'protocol device {\n}\ninclude "/etc/bird/other.conf";\ninclude "/etc/bird/peerflow.conf";\n';
    expect(retargetInclude(bird, '/etc/bird/peerflow.conf', '/etc/bird/peerflow.conf.candidate')).toBe(
      'protocol device {\n}\ninclude "/etc/bird/other.conf";\ninclude "/etc/bird/peerflow.conf.candidate";\n',
    );
    const openbgpd = 'socket "/run/bgpd.sock"\n  include "/etc/bgpd/peerflow.conf"\nallow from any\n';
    expect(retargetInclude(openbgpd, '/etc/bgpd/peerflow.conf', '/x.candidate')).toBe(
      'socket "/run/bgpd.sock"\n  include "/x.candidate"\nallow from any\n',
    );
    // Not included (or only in a comment, or a longer name): the daemon does not read it.
    expect(
      retargetInclude('# include "/etc/bird/peerflow.conf";\n', '/etc/bird/peerflow.conf', '/c'),
    ).toBeNull();
    expect(
      retargetInclude('include "/etc/bird/peerflow.conf.old";\n', '/etc/bird/peerflow.conf', '/c'),
    ).toBeNull();
  });

  it('joins base and managed part with exactly one line break', () => {
    expect(joinBaseAndManaged('a\n', 'b\n')).toBe('a\nb\n');
    expect(joinBaseAndManaged('a', 'b\n')).toBe('a\nb\n');
    expect(joinBaseAndManaged('', 'b\n')).toBe('b\n');
  });
});

describe('driver registry', () => {
  it('has a driver for each platform, the vendor platforms included', () => {
    for (const d of PLATFORM_REGISTRY) expect(deviceDriver(d.id)?.platform).toBe(d.id);
  });
});
