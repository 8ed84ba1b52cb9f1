import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../shared/platform/storage/client';
import { bird2Driver, type DeviceOptions, openSshTransport } from '../shared/devices';
import { createLab, type Lab, labSkipReason } from '../test/support/lab';
import { benchTable } from './local-table';
import { type BenchRow, formatNumber, median, paired, rounds } from './harness';

/**
 * One poll of the lab's BIRD router with 1,000 sessions, every one of which changed state since the
 * last poll (the router's BGP protocols are disabled and enabled in turn between rounds, outside the
 * clock): connect over SSH, `show protocols all`, parse, match, write each changed session and its
 * history entry, record the poll. Against the bare work of the same round: connect, the same command
 * parsed by the same parser, and the same 2,000 items written with BatchWriteItem (25 a request, 8
 * at once), on the same DynamoDB Local. Also: the writes of a poll where nothing changed.
 */
const MAX_RATIO = 1.5;
const SESSIONS = 1000;
const TABLE = 'peerflow-bench-polling';

export async function pollingBird(): Promise<BenchRow[]> {
  const skip = labSkipReason(['bird2']);
  if (skip !== null) {
    return [{ benchmark: 'poll', subject: 'skipped', figure: `${skip}; run the bench as root` }];
  }
  const table = await benchTable(TABLE, 'poll');
  let lab: Lab | undefined;
  try {
    const { callRoute, userWithRole } = await import('../test/support/api');
    const { createRouterRoute } = await import('../shared/routers');
    const { NOT_POLLED, sessionsRepository } = await import('../shared/sessions');
    const { putConnectionRoute } = await import('../shared/deployments');
    const { pollRouter, providePollPorts } = await import('../shared/polling');
    const { DELIVERY_PORTS } = await import('../shared/app/delivery');
    providePollPorts(DELIVERY_PORTS);

    const writes = new Map<string, number>();
    ddb().middlewareStack.add(
      (next, context) => async (args) => {
        const name = String(context.commandName ?? '');
        if (/Put|Update|Delete|BatchWrite|TransactWrite|ExecuteStatement/.test(name))
          writes.set(name, (writes.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'bench-count-writes' },
    );

    lab = await createLab({ router: 'bird2' });
    const ssh = lab.router.ssh!;
    const daemon = lab.router.daemon;
    const options: DeviceOptions = { ...daemon.deviceOptions, sudo: false };
    const ips = Array.from({ length: SESSIONS }, (_, i) => `2001:db8:1::${(i + 1).toString(16)}`);
    // 1,000 BGP protocols on the router; nobody answers on their addresses.
    daemon.writeManaged(
      [
        `router id ${lab.router.routerId};`,
        ...ips.map(
          (ip, i) =>
            `protocol bgp p${i} { local as ${lab!.router.asn}; neighbor ${ip} as 64511; ipv6 { import all; export none; }; }`,
        ),
      ].join('\n'),
    );
    const reloaded = await daemon.reload();
    if (reloaded.exitCode !== 0) throw new Error(`bird did not load 1,000 protocols: ${reloaded.stdout}`);

    const [admin] = [await userWithRole('admin')];
    const router = await callRoute(createRouterRoute, {
      token: admin.token,
      body: {
        hostname: lab.router.hostname,
        platform: 'bird2',
        asn: lab.router.asn,
        router_id: lab.router.routerId,
      },
    });
    const routerId = router.json.id as string;
    const conn = await callRoute(putConnectionRoute, {
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
          base_path: null,
          control_socket: options.controlSocket,
          sudo: false,
        },
      } as never,
    });
    if (conn.status !== 200) throw new Error(`connection: ${JSON.stringify(conn.json)}`);
    const now = new Date().toISOString();
    for (let i = 0; i < SESSIONS; i++) {
      await sessionsRepository.create(
        {
          id: crypto.randomUUID(),
          number: null,
          version: 1,
          source_asn: lab.router.asn,
          source_ipaddr: null,
          multihop: 2,
          resource_id: routerId,
          resource_name: lab.router.hostname,
          peer_asn: 64511,
          peer_name: `Peer ${i}`,
          peer_participant_id: null,
          peer_ipaddr: ips[i]!,
          peer_hostname: null,
          peer_group: null,
          public_id: null,
          public_name: null,
          ip_type: 'ipv6',
          type: 'Peer',
          state: 'configured',
          prfx_max: 100,
          prfx_received: null,
          password_ciphertext: null,
          note: null,
          created: now,
          modified: now,
          ...NOT_POLLED,
        },
        [],
      );
    }
    const stored = await sessionsRepository.listAll({ resource_id: routerId });

    let enabled = true;
    const flip = async () => {
      enabled = !enabled;
      const r = await daemon.cli([enabled ? 'enable' : 'disable', '"p*"']);
      if (r.exitCode !== 0) throw new Error(`birdc: ${r.stdout}${r.stderr}`);
      // Outside the clock: until BIRD shows every protocol in its new state.
      for (let tries = 0; ; tries += 1) {
        const shown = (await daemon.cli(['show', 'protocols'])).stdout;
        const down = shown.split('\n').filter((l) => /^p\d+\s+BGP\s+\S+\s+down\b/.test(l)).length;
        if (enabled ? down === 0 : down === SESSIONS) break;
        if (tries > 100)
          throw new Error(`BIRD shows ${down} protocols down after ${enabled ? 'enable' : 'disable'}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await pollRouter(routerId, { trigger: 'schedule' });

    const subject = async () => {
      await flip();
      const started = performance.now();
      const result = await pollRouter(routerId, { trigger: 'schedule' });
      const ms = performance.now() - started;
      if (result.outcome !== 'ok' || result.changed !== SESSIONS) {
        throw new Error(`the poll changed ${result.changed} of ${SESSIONS}: ${JSON.stringify(result)}`);
      }
      return ms;
    };
    let round = 0;
    // The bare side writes the same items whatever the state: it need not flip (and must not, or the
    // next poll would find the state it last stored).
    const bare = async () => {
      round += 1;
      const started = performance.now();
      const t = await openSshTransport({
        host: ssh.host,
        port: ssh.port,
        username: ssh.username,
        privateKey: ssh.privateKey,
        hostKeySha256: ssh.hostKeySha256,
      });
      let neighbors;
      try {
        neighbors = await bird2Driver.neighbors(t, options, []);
      } finally {
        await t.close();
      }
      if (neighbors.length < SESSIONS) throw new Error(`BIRD shows ${neighbors.length} neighbors`);
      const at = new Date().toISOString();
      const byIp = new Map(neighbors.map((n) => [n.peerIp, n]));
      const items: Record<string, unknown>[] = [];
      for (const s of stored) {
        const n = byIp.get(s.peer_ipaddr);
        // Items of the same size as the sessions, beside them: overwriting the sessions themselves
        // would drop them from their indexes.
        items.push({
          pk: `BENCHSESSION#${s.id}`,
          sk: 'SESSION',
          ...s,
          bgp_state: n?.state ?? null,
          last_polled: at,
          state_since: at,
        });
        items.push({
          pk: `BENCHHIST#${s.id}`,
          sk: `${at}#${round}`,
          session_id: s.id,
          at,
          to: n?.state ?? null,
        });
      }
      const batches: Record<string, unknown>[][] = [];
      for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
      let next = 0;
      const worker = async () => {
        while (next < batches.length) {
          let requests = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
          while (requests.length > 0) {
            const out = await ddb().send(new BatchWriteCommand({ RequestItems: { [TABLE]: requests } }));
            requests = (out.UnprocessedItems?.[TABLE] ?? []) as typeof requests;
          }
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      return performance.now() - started;
    };

    const samples = await paired(bare, { poll: subject }, rounds(5));
    // A poll where nothing changed: its writes, counted on the client.
    await pollRouter(routerId, { trigger: 'schedule' });
    writes.clear();
    const quiet = await pollRouter(routerId, { trigger: 'schedule' });
    const quietWrites = [...writes.values()].reduce((a, b) => a + b, 0);
    writes.clear();
    await flip();
    const busy = await pollRouter(routerId, { trigger: 'schedule' });
    const busyWrites = Object.fromEntries(writes);

    const s = samples.poll;
    const ratio = median(s.ratios);
    return [
      {
        benchmark: 'poll',
        subject: `poll of ${formatNumber(SESSIONS)} changed sessions (BIRD, SSH)`,
        figure: `${formatNumber(median(s.subject))} ms`,
        baseline: `${formatNumber(median(s.baseline))} ms (birdc + parse + BatchWrite)`,
        ratio,
        goal: `ratio <= ${MAX_RATIO}`,
        met: ratio <= MAX_RATIO,
      },
      {
        benchmark: 'poll',
        subject: 'writes of a poll where nothing changed',
        figure: `${quietWrites} requests (${quiet.changed} sessions changed)`,
        goal: "the poll's mark only",
        met: quiet.changed === 0 && quietWrites === 1,
      },
      {
        benchmark: 'poll',
        subject: `writes of a poll where ${formatNumber(SESSIONS)} sessions changed`,
        figure: `${busy.writes} requests: ${JSON.stringify(busyWrites)}`,
      },
    ];
  } finally {
    await lab?.destroy();
    await table.stop();
  }
}
