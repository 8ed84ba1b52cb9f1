import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render, type RenderSession } from '../../shared/config-render';
import { goldenSessions } from '../golden/fixture';
import { createLab, type Lab, LAB_DAEMONS, type LabDaemonName, labAvailable } from '../support/lab';

/**
 * Each daemon as the router, configured by hand in the managed file the way peerflow will
 * configure it, reaches Established with the lab's peer (TCP-MD5 on both sides) and receives every
 * prefix the peer announces, as the router daemon's own CLI reports it.
 */
function managedConfig(platform: LabDaemonName, lab: Lab, options: { shutdown?: boolean } = {}): string {
  const { router, peer } = lab;
  const pw = peer.password;
  switch (platform) {
    case 'bird2':
      return [
        `router id ${router.routerId};`,
        ...(['v4', 'v6'] as const).flatMap((f) => [
          `template bgp peers_${f} {`,
          `  local as ${router.asn};`,
          `  ip${f} {`,
          `    import filter peers_${f}_in;`,
          `    export filter peers_${f}_out;`,
          '  };',
          '}',
          `protocol bgp lab_peer_${f} from peers_${f} {`,
          `  neighbor ${f === 'v4' ? peer.lan.ipv4 : peer.lan.ipv6} as ${peer.asn};`,
          `  password "${pw}";`,
          '}',
        ]),
        '',
      ].join('\n');
    case 'frr':
      return [
        `router bgp ${router.asn}`,
        ` bgp router-id ${router.routerId}`,
        ' no bgp default ipv4-unicast',
        ...[peer.lan.ipv4, peer.lan.ipv6].flatMap((ip) => [
          ` neighbor ${ip} remote-as ${peer.asn}`,
          ` neighbor ${ip} password ${pw}`,
          ...(options.shutdown ? [` neighbor ${ip} shutdown`] : []),
        ]),
        ...(['v4', 'v6'] as const).flatMap((f) => {
          const ip = f === 'v4' ? peer.lan.ipv4 : peer.lan.ipv6;
          return [
            ` address-family ip${f} unicast`,
            `  neighbor ${ip} activate`,
            `  neighbor ${ip} route-map peers_${f}_in in`,
            `  neighbor ${ip} route-map peers_${f}_out out`,
            ' exit-address-family',
          ];
        }),
        'exit',
        '',
      ].join('\n');
    case 'openbgpd':
      return [
        `AS ${router.asn}`,
        `router-id ${router.routerId}`,
        ...(['v4', 'v6'] as const).flatMap((f) => [
          `group "peers_${f}" {`,
          `\tneighbor ${f === 'v4' ? peer.lan.ipv4 : peer.lan.ipv6} {`,
          `\t\tremote-as ${peer.asn}`,
          `\t\ttcp md5sig password "${pw}"`,
          '\t}',
          '}',
        ]),
        // OpenBGPD has no policy names: the operator's rules of the `external` group go with it.
        ...(['v4', 'v6'] as const).flatMap((f) => [
          `allow from group "peers_${f}"`,
          `allow to group "peers_${f}"`,
        ]),
        '',
      ].join('\n');
    case 'gobgp':
      return [
        '[global.config]',
        `  as = ${router.asn}`,
        `  router-id = "${router.routerId}"`,
        '[global.apply-policy.config]',
        '  import-policy-list = ["peers_v4_in", "peers_v6_in"]',
        '  default-import-policy = "reject-route"',
        '  export-policy-list = ["peers_v4_out", "peers_v6_out"]',
        '  default-export-policy = "reject-route"',
        '',
        ...(['v4', 'v6'] as const).flatMap((f) => [
          '[[neighbors]]',
          '  [neighbors.config]',
          `    neighbor-address = "${f === 'v4' ? peer.lan.ipv4 : peer.lan.ipv6}"`,
          `    peer-as = ${peer.asn}`,
          `    auth-password = "${pw}"`,
          '  [[neighbors.afi-safis]]',
          '    [neighbors.afi-safis.config]',
          `      afi-safi-name = "ip${f}-unicast"`,
          '',
        ]),
      ].join('\n');
  }
}

/**
 * Checks the lab router's whole configuration as it would be with `managed` as peerflow's part,
 * with the daemon's own parser, on staged copies (the running daemon and its files are untouched).
 */
async function checkWithManaged(lab: Lab, managed: string): Promise<{ ok: boolean; output: string }> {
  const d = lab.router.daemon;
  const stagedManaged = join(d.dir, 'check-managed');
  const stagedMain = join(d.dir, 'check-main');
  writeFileSync(stagedManaged, managed);
  if (d.basePath === null) {
    const main = readFileSync(d.mainConfigPath, 'utf8');
    expect(main).toContain(`include "${d.managedPath}"`);
    writeFileSync(stagedMain, main.replace(`include "${d.managedPath}"`, `include "${stagedManaged}"`));
  } else {
    writeFileSync(stagedMain, readFileSync(d.basePath, 'utf8') + managed);
  }
  const check: Record<LabDaemonName, string[]> = {
    bird2: ['bird', '-p', '-c', stagedMain],
    openbgpd: ['bgpd', '-n', '-f', stagedMain],
    frr: ['vtysh', '-C', '-f', stagedMain],
    gobgp: ['gobgpd', '-d', '-f', stagedMain, '-t', 'toml'],
  };
  const r = await lab.run(lab.router.namespace, check[d.platform]);
  return { ok: r.exitCode === 0, output: `${r.stdout}${r.stderr}` };
}

describe.skipIf(!labAvailable())('each daemon as the router of a lab', () => {
  const labs = new Map<LabDaemonName, Lab>();

  beforeAll(async () => {
    // Started together: most of a lab's start is waiting for its daemons.
    const created = await Promise.allSettled(
      LAB_DAEMONS.map(async (d) =>
        // The hand-written configs below name `peers` policies they do not define: the group's policy
        // is `external`, and the lab defines it as an operator would.
        labs.set(d, await createLab({ router: d, externalGroups: ['peers'] })),
      ),
    );
    const failed = created.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([...labs.values()].map((l) => l.destroy()));
  });

  it.concurrent.each(LAB_DAEMONS)(
    '%s reaches Established with MD5 and receives the peer routes after a reload of its managed file',
    async (platform) => {
      const lab = labs.get(platform)!;
      const { daemon } = lab.router;
      expect(lab.peer.daemon.platform).not.toBe(platform);
      // Before: the router's managed part names no neighbor.
      expect(await daemon.session(lab.peer.lan.ipv4)).toBeNull();

      if (platform === 'frr') {
        // Seen on a busy machine: the IPv6 session established with no route received, as if it had
        // opened while frr-reload was still applying the neighbor's lines one by one (before its
        // family's `activate`). The neighbors arrive shut down, and start once all is in place.
        daemon.writeManaged(managedConfig(platform, lab, { shutdown: true }));
        const staged = await daemon.reload();
        expect(staged.exitCode, `${staged.stdout}${staged.stderr}`).toBe(0);
      }
      daemon.writeManaged(managedConfig(platform, lab));
      const reload = await daemon.reload();
      expect(reload.exitCode, `${reload.stdout}${reload.stderr}`).toBe(0);
      if (platform === 'frr') {
        // As peerflow's FRR driver does for neighbors a change adds: start them over once their
        // whole config is in, so each session negotiates its family.
        for (const ip of [lab.peer.lan.ipv4, lab.peer.lan.ipv6]) {
          const cleared = await daemon.cli(['-c', `clear bgp ${ip}`]);
          expect(cleared.exitCode, `${cleared.stdout}${cleared.stderr}`).toBe(0);
        }
      }

      let sessions: Awaited<ReturnType<typeof lab.waitForPeerRoutes>> | undefined;
      for (let attempt = 1; !sessions; attempt++) {
        try {
          sessions = await lab.waitForPeerRoutes(40_000);
        } catch (err) {
          // Seen on a loaded two-core machine with frr only: a session up with no route for a
          // whole wait. Its sessions are started over (as the driver does) twice at most.
          if (platform !== 'frr' || attempt === 3) throw err;
          for (const ip of [lab.peer.lan.ipv4, lab.peer.lan.ipv6])
            await daemon.cli(['-c', `clear bgp ${ip}`]);
        }
      }
      expect(sessions.ipv4).toMatchObject({ established: true, received: lab.peer.prefixes.ipv4.length });
      expect(sessions.ipv6).toMatchObject({ established: true, received: lab.peer.prefixes.ipv6.length });

      // The kernel signs both BGP connections on both hosts: each carries a TCP-MD5 key for the other end.
      for (const [ns, other] of [
        [lab.router.namespace, lab.peer.lan],
        [lab.peer.namespace, lab.router.lan],
      ] as const) {
        const ss = await lab.run(ns, [
          'ss',
          '-tni',
          'state',
          'established',
          '( sport = :179 or dport = :179 )',
        ]);
        for (const ip of [other.ipv4, other.ipv6]) {
          expect(ss.stdout).toMatch(new RegExp(`md5keys:\\[?${ip.replace(/\./g, '\\.')}\\]?/(32|128)=`));
        }
      }
    },
    180_000,
  );

  it.concurrent.each(LAB_DAEMONS)(
    "%s takes peerflow's rendered config as its managed part: peerflow's policies and the lab's external one",
    async (platform) => {
      const lab = labs.get(platform)!;
      const router = { hostname: lab.router.hostname, asn: lab.router.asn, router_id: lab.router.routerId };
      const policy = { own_prefixes: ['203.0.113.0/24'], groups: { peers: { policy: 'external' as const } } };
      const rendered = render(platform, router, goldenSessions, policy);
      const checked = await checkWithManaged(lab, rendered);
      expect(checked.ok, checked.output).toBe(true);
      if (platform === 'bird2') {
        // BIRD refuses a filter nobody defined: an external group the lab was not told of fails.
        // (gobgpd's check passes such a config and drops its policy assignment; FRR and OpenBGPD
        // deny at run time.)
        const stranger: RenderSession = { ...goldenSessions[0]!, peer_group: 'not_in_the_lab' };
        const external = { own_prefixes: [], groups: { not_in_the_lab: { policy: 'external' as const } } };
        const refused = await checkWithManaged(lab, render(platform, router, [stranger], external));
        expect(refused.ok).toBe(false);
      }
    },
    60_000,
  );
});
