import { readFileSync, writeFileSync } from 'node:fs';
import { ddb } from '../shared/platform/storage/client';
import { bird2Driver, type DeviceOptions, openSshTransport, shellQuote } from '../shared/devices';
import { createLab, type Lab, labSkipReason } from '../test/support/lab';
import { benchTable } from './local-table';
import { type BenchRow, formatNumber, median, paired, rounds } from './harness';

/**
 * One deployment of 100 sessions to the lab's BIRD router (a router in a network namespace, reached
 * over SSH), through the API as an operator starts it, from the start to `succeeded`, against the
 * bare device work of the same change done directly over the same SSH transport: connect, upload
 * the config, `birdc configure check`, `birdc configure ... timeout`, `birdc configure confirm`, one
 * `show protocols all` read. Each round changes one session's prefix limit, so both sides really
 * reconfigure BIRD. The sessions never come up (no peer answers on their addresses) and the
 * deployment verifies once (`verify_seconds: 0`).
 */
const MAX_RATIO = 1.5;
const SESSIONS = 100;
const CONFIRM_SECONDS = 120;
const TABLE = 'peerflow-bench-deployments';

/** Documentation ASNs, 16-bit then 32-bit, cycled over the sessions; the lab's own two left out. */
const ASNS = [
  ...Array.from({ length: 16 }, (_, i) => 64_496 + i),
  ...Array.from({ length: 16 }, (_, i) => 65_536 + i),
].filter((asn) => asn !== 64_500 && asn !== 64_501);

export async function deploymentToBird(): Promise<BenchRow[]> {
  const skip = labSkipReason(['bird2']);
  if (skip !== null) {
    return [{ benchmark: 'deployment', subject: 'skipped', figure: `${skip}; run the bench as root` }];
  }
  const table = await benchTable(TABLE, 'deploy');
  let lab: Lab | undefined;
  try {
    // The API's modules are loaded once the table is configured.
    const { callRoute, userWithRole } = await import('../test/support/api');
    const { syncObjects } = await import('../test/support/peeringdb');
    const { createRouterRoute } = await import('../shared/routers');
    const { addSessionRoute, updateSessionRoute } = await import('../shared/sessions');
    const { getDeployment, putConnectionRoute, startDeploymentRoute } = await import('../shared/deployments');
    const { deploymentsSettled } = await import('../shared/app/delivery');
    const { patchSettingsRoute } = await import('../shared/settings');

    let requests = 0;
    let requestMs = 0;
    ddb().middlewareStack.add(
      (next) => async (args) => {
        requests += 1;
        const started = performance.now();
        try {
          return await next(args);
        } finally {
          requestMs += performance.now() - started;
        }
      },
      { step: 'initialize', name: 'bench-count-requests' },
    );

    lab = await createLab({ router: 'bird2' });
    const ssh = lab.router.ssh!;
    const daemon = lab.router.daemon;
    await syncObjects({
      ix: [{ id: 90, name: 'Lab Exchange' }],
      ixlan: [{ id: 90, ix_id: 90 }],
      ixpfx: [{ id: 91, ixlan_id: 90, protocol: 'IPv4', prefix: '192.0.2.0/24' }],
      net: [{ id: 500, asn: lab.router.asn, name: 'Lab Operator' }],
      netixlan: [
        {
          id: 900,
          net_id: 500,
          asn: lab.router.asn,
          ipaddr4: lab.router.lan.ipv4,
          ipaddr6: lab.router.lan.ipv6,
          ix_id: 90,
          ixlan_id: 90,
        },
      ],
    });
    const [admin, operator] = [await userWithRole('admin'), await userWithRole('operator')];
    const must = (what: string, res: { status: number; json: unknown }, status: number) => {
      if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.json)}`);
    };
    must(
      'settings',
      await callRoute(patchSettingsRoute, {
        token: admin.token,
        body: { source_asn: lab.router.asn, source_participant_id: 500 },
      }),
      200,
    );
    const router = await callRoute(createRouterRoute, {
      token: admin.token,
      body: {
        hostname: lab.router.hostname,
        platform: 'bird2',
        asn: lab.router.asn,
        router_id: lab.router.routerId,
      },
    });
    must('router', router, 201);
    const routerId = router.json.id as string;
    const options: DeviceOptions = {
      managedPath: daemon.deviceOptions.managedPath,
      mainConfigPath: daemon.deviceOptions.mainConfigPath,
      basePath: daemon.deviceOptions.basePath,
      controlSocket: daemon.deviceOptions.controlSocket,
      sudo: false,
    };
    must(
      'connection',
      await callRoute(putConnectionRoute, {
        token: admin.token,
        params: { id: routerId },
        body: {
          transport: 'ssh',
          host: ssh.host,
          port: ssh.port,
          username: ssh.username,
          private_key: ssh.privateKey,
          host_key_sha256: ssh.hostKeySha256,
          options: {
            managed_path: options.managedPath,
            main_config_path: options.mainConfigPath,
            base_path: options.basePath,
            control_socket: options.controlSocket,
            sudo: false,
          },
        } as never,
      }),
      200,
    );
    const sessionIds: string[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const added = await callRoute(addSessionRoute, {
        token: operator.token,
        body: {
          resource_id: routerId,
          peer_ipaddr: `192.0.2.${10 + i}`,
          peer_asn: ASNS[i % ASNS.length]!,
          source_ipaddr: lab.router.lan.ipv4,
          prfx_max: 1000,
        },
      });
      must(`session ${i}`, added, 201);
      sessionIds.push(added.json.id as string);
    }

    // Each run of either side sets a new prefix limit on the first session.
    let limit = 1000;
    const deploy = async () => {
      limit += 1;
      must(
        'session change',
        await callRoute(updateSessionRoute, {
          token: operator.token,
          params: { id: sessionIds[0]! },
          body: { prfx_max: limit },
        }),
        200,
      );
      requests = 0;
      requestMs = 0;
      const wallStart = Date.now();
      const started = performance.now();
      const res = await callRoute(startDeploymentRoute, {
        token: operator.token,
        params: { id: routerId },
        body: { verify_seconds: 0, confirm_seconds: CONFIRM_SECONDS },
      });
      must('deployment', res, 202);
      await deploymentsSettled();
      const ms = performance.now() - started;
      const wallEnd = Date.now();
      const db = { requests, ms: requestMs };
      const d = await getDeployment(res.json.id as string);
      if (d.status !== 'succeeded') throw new Error(`the deployment ended ${d.status}: ${d.reason}`);
      return { ms, d, wallStart, wallEnd, db };
    };

    // The bare side stages its own main config once, which includes its own candidate file.
    const bareManaged = `${options.managedPath}.bench`;
    const bareMain = `${options.mainConfigPath}.bench`;
    writeFileSync(
      bareMain,
      readFileSync(options.mainConfigPath, 'utf8').replace(`"${options.managedPath}"`, `"${bareManaged}"`),
    );
    const birdc = ['birdc', '-s', options.controlSocket!].map(shellQuote).join(' ');
    const bare = async () => {
      // The config the last deployment put in place (passwords and all), with a new prefix limit.
      limit += 1;
      const config = readFileSync(options.managedPath, 'utf8');
      const changed = config.replace(/import limit \d+/, `import limit ${limit}`);
      if (changed === config) throw new Error('the rendered config has no import limit to change');
      const started = performance.now();
      const t = await openSshTransport({
        host: ssh.host,
        port: ssh.port,
        username: ssh.username,
        privateKey: ssh.privateKey,
        hostKeySha256: ssh.hostKeySha256,
      });
      try {
        const ok = async (command: string, input?: string, expect?: RegExp) => {
          const r = await t.exec(command, input === undefined ? {} : { input });
          if (r.exitCode !== 0 || (expect && !expect.test(r.stdout))) {
            throw new Error(`${command}: ${r.exitCode} ${r.stdout}${r.stderr}`);
          }
        };
        await ok(`cat > ${shellQuote(bareManaged)}`, changed);
        await ok(`${birdc} configure check ${shellQuote(`"${bareMain}"`)}`, undefined, /Configuration OK/);
        await ok(
          `${birdc} configure ${shellQuote(`"${bareMain}"`)} timeout ${CONFIRM_SECONDS}`,
          undefined,
          /Reconfigur/,
        );
        await ok(`${birdc} configure confirm`, undefined, /Reconfiguration confirmed/);
        const neighbors = await bird2Driver.neighbors(t, options, []);
        if (neighbors.length < SESSIONS) throw new Error(`BIRD shows ${neighbors.length} neighbors`);
      } finally {
        await t.close();
      }
      return performance.now() - started;
    };

    // The first deployment adds the 100 sessions; the rounds change one of them.
    const first = await deploy();
    console.error(
      `deployment bench: the first deployment (100 sessions added) took ${formatNumber(first.ms)} ms`,
    );
    await bare();
    const parts: Record<string, number[]> = {};
    const part = (name: string, value: number) => (parts[name] ??= []).push(value);
    const samples = await paired(
      bare,
      {
        deployment: async () => {
          const { ms, d, wallStart, wallEnd, db } = await deploy();
          const at = (iso: string) => Date.parse(iso);
          const applied = d.steps.find((s) => s.name === 'apply')!;
          const second = d.steps.find((s) => at(s.started) > at(applied.finished))!;
          const device = d.steps.reduce((sum, s) => sum + at(s.finished) - at(s.started), 0);
          const waited = at(second.started) - at(applied.finished);
          const last = d.steps[d.steps.length - 1]!;
          const closing = wallEnd - at(last.finished);
          part('device steps (ssh connects + commands)', device);
          part(
            'device commands',
            d.steps.reduce((sum, s) => sum + s.commands.length, 0),
          );
          part('ssh connects', d.steps.filter((s) => s.name === 'connect').length);
          for (const [i, s] of d.steps.entries()) {
            const name = s.name === 'connect' && i > 0 ? 'reconnect' : s.name;
            part(`  ${name}`, at(s.finished) - at(s.started));
          }
          part('from apply to the verify step reconnecting (the poll wait)', waited);
          part('after the last step (peer logs, finished, lease)', closing);
          part('the rest (API call, record reads and saves between steps)', ms - device - waited - closing);
          part(`DynamoDB requests`, db.requests);
          part(`ms in DynamoDB requests`, db.ms);
          if (at(d.created) < wallStart) throw new Error('the deployment record predates its start');
          return ms;
        },
      },
      rounds(10),
    );
    const ratio = median(samples.deployment.ratios);
    const breakdown = Object.entries(parts)
      .map(([name, values]) => `${name} ${formatNumber(median(values))}`)
      .join('; ');
    return [
      {
        benchmark: 'deployment',
        subject: `${SESSIONS} sessions to the BIRD lab router through the API, one changed, verify 0 s`,
        figure: `${formatNumber(median(samples.deployment.subject))} ms`,
        baseline: `${formatNumber(median(samples.deployment.baseline))} ms bare ssh + birdc`,
        ratio,
        goal: `ratio <= ${MAX_RATIO}`,
        met: ratio <= MAX_RATIO,
      },
      {
        benchmark: 'deployment',
        subject: 'where the time of a deployment goes, median ms per round (from its record)',
        figure: breakdown,
      },
    ];
  } finally {
    await lab?.destroy();
    await table.stop();
  }
}
