import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ensureTable, startDynamoLocal } from '../local/engines';
import { resetConfig } from '../shared/config';
import { logger } from '../shared/logger';
import { memorySource } from '../shared/peeringdb/memory-source';
import { runSync } from '../shared/peeringdb/sync';
import { ddb, resetDdb, tableName } from '../shared/storage/client';
import { peerLogItem, requestStatusItem } from '../shared/storage/peer-state-repository';
import { memberPartition } from '../shared/storage/peeringdb-repository';
import { type BenchRow, formatNumber, freePort, median, paired, rounds } from './harness';

/**
 * getPeers at the biggest exchange (1,200 members) with public IPs and contacts embedded, through the
 * route's real Lambda handler, against a bare DynamoDB Query of the same member page. Both read the
 * same engine in the same run; the handler also reads our per-exchange state, the sessions there,
 * the exchange and the settings, in parallel, and builds and serializes the peers.
 */
const MAX_RATIO = 1.5;
const MEMBERS = 1_200;
const IX = 26;
const STAMP = '2024-01-01T00:00:00Z';

/** A deterministic pseudo-random sequence, so every run measures the same data. */
function sequence(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

const POLICIES = ['Open', 'Open', 'Selective', 'Restrictive', 'No'];
const TYPES = ['NSP', 'Content', 'Cable/DSL/ISP', 'Enterprise', 'Educational/Research'];
const ROLES = ['Policy', 'Technical', 'NOC', 'Abuse'];

/** PeeringDB-shaped records: one big exchange, two small ones, field sizes like the real ones. */
function records() {
  const next = sequence(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const words =
    'carrier backbone fibre transit cloud hosting regional metro cable access content global'.split(' ');
  const text = (n: number) => Array.from({ length: n }, () => pick(words)).join(' ');
  const net: Record<string, unknown>[] = [];
  const netixlan: Record<string, unknown>[] = [];
  const poc: Record<string, unknown>[] = [];
  for (let id = 1; id <= MEMBERS + 100; id++) {
    net.push({
      id,
      org_id: id,
      asn: 200_000 + id,
      name: `${text(2)} ${id}`,
      aka: next() < 0.3 ? text(3) : '',
      name_long: next() < 0.2 ? text(5) : '',
      website: `https://www.as${200_000 + id}.example`,
      irr_as_set: `AS-NET${id}`,
      info_traffic: pick(['1-5Gbps', '10-20Gbps', '100-200Gbps', '']),
      info_ratio: pick(['Balanced', 'Mostly Inbound', 'Mostly Outbound', 'Heavy Outbound']),
      info_scope: pick(['Europe', 'Global', 'Regional']),
      info_type: pick(TYPES),
      info_prefixes4: next() < 0.05 ? null : Math.floor(next() * 5000),
      info_prefixes6: Math.floor(next() * 500),
      info_unicast: true,
      info_multicast: false,
      info_ipv6: next() < 0.8,
      looking_glass: next() < 0.3 ? `https://lg.as${200_000 + id}.example` : '',
      route_server: '',
      notes: next() < 0.4 ? text(Math.floor(next() * 80)) : '',
      policy_url: `https://www.as${200_000 + id}.example/peering`,
      policy_general: pick(POLICIES),
      policy_locations: 'Not Required',
      policy_ratio: next() < 0.1,
      policy_contracts: 'Not Required',
      created: STAMP,
      updated: STAMP,
      status: 'ok',
    });
    // The first MEMBERS networks are at the big exchange; the others at the small ones.
    const ix = id <= MEMBERS ? IX : 100 + (id % 2);
    const ports = next() < 0.15 ? 2 : 1;
    for (let p = 0; p < ports; p++) {
      const row = netixlan.length + 1;
      netixlan.push({
        id: row,
        net_id: id,
        ix_id: ix,
        ixlan_id: ix,
        asn: 200_000 + id,
        ipaddr4: `10.${Math.floor(row / 250)}.${row % 250}.1`,
        ipaddr6: `2001:db8::${row.toString(16)}`,
        speed: pick([10_000, 100_000, 400_000]),
        is_rs_peer: next() < 0.7,
        operational: true,
        notes: '',
        created: STAMP,
        updated: STAMP,
        status: 'ok',
      });
    }
    const contacts = Math.floor(next() * 4);
    for (let c = 0; c < contacts; c++) {
      poc.push({
        id: poc.length + 1,
        net_id: id,
        role: ROLES[c]!,
        name: `${pick(ROLES)} desk ${id}`,
        email: `${ROLES[c]!.toLowerCase()}@as${200_000 + id}.example`,
        phone: '+49 69 1234567',
        url: '',
        visible: 'Public',
        created: STAMP,
        updated: STAMP,
        status: 'ok',
      });
    }
  }
  const ix = [IX, 100, 101].map((id) => ({
    id,
    org_id: 1,
    name: `Exchange ${id}`,
    name_long: '',
    city: 'Frankfurt',
    country: 'DE',
    region_continent: 'Europe',
    media: 'Ethernet',
    website: '',
    tech_email: '',
    policy_email: '',
    proto_unicast: true,
    proto_ipv6: true,
    created: STAMP,
    updated: STAMP,
    status: 'ok',
  }));
  const ixlan = ix.map((x) => ({ id: x.id, ix_id: x.id, name: '', mtu: 1500, updated: STAMP, status: 'ok' }));
  return { ix, ixlan, net, netixlan, poc };
}

/** Our side: a tenth of the peers have a request status and a few log entries. */
async function peerState(): Promise<void> {
  for (let id = 1; id <= MEMBERS; id += 10) {
    await ddb().send(
      new TransactWriteCommand({
        TransactItems: [
          requestStatusItem(IX, id, 'sent'),
          peerLogItem({
            public_id: IX,
            participant_id: id,
            message: 'Request sent',
            user: 'bench@example.net',
          }),
          peerLogItem({ public_id: IX, participant_id: id, message: 'Private notes updated', user: null }),
        ],
      }),
    );
  }
}

function event(query: Record<string, string>): APIGatewayProxyEventV2 {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: 'GET /exchanges/{public_id}/peers',
    rawPath: `/exchanges/${IX}/peers`,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: { host: 'localhost' },
    queryStringParameters: query,
    pathParameters: { public_id: String(IX) },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'GET',
        path: `/exchanges/${IX}/peers`,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: '',
      },
      requestId: crypto.randomUUID(),
      routeKey: 'GET /exchanges/{public_id}/peers',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { lambda: { userId: 'bench', role: 'viewer', email: 'bench@example.net' } },
    } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: false,
  };
}

const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 29_000 } as unknown as Context;

async function milliseconds(op: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await op();
  return performance.now() - started;
}

export async function peersAtBiggestExchange(): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerflow-bench-peers-'));
  const engine = await startDynamoLocal({ port: await freePort() });
  // The logger was made when the first module imported it; a log line per call would be measured too.
  const level = logger.getLevelName();
  logger.setLogLevel('SILENT');
  try {
    process.env.TABLE_NAME = 'peerflow-bench-peers';
    process.env.DDB_ENDPOINT = engine.endpoint;
    process.env.AWS_REGION = 'us-east-1';
    process.env.DATA_DIR = dataDir;
    process.env.LOG_LEVEL = 'SILENT';
    process.env.VALIDATE_RESPONSES = 'false';
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
    resetConfig();
    resetDdb();
    await ensureTable(engine.endpoint, 'peerflow-bench-peers');
    await runSync({ source: memorySource(records()), mode: 'full', trigger: 'bench' });
    await peerState();

    let requests = 0;
    ddb().middlewareStack.add(
      (next) => async (args) => {
        requests += 1;
        return next(args);
      },
      { step: 'initialize', name: 'bench-count-requests' },
    );
    const { handler } = await import('../functions/http/peers/list-peers');

    const rows: BenchRow[] = [];
    const memberQuery = (limit?: number, start?: Record<string, unknown>) =>
      ddb().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
          ExpressionAttributeValues: { ':pk': memberPartition(IX), ':m': 'M#' },
          ...(limit ? { Limit: limit } : {}),
          ExclusiveStartKey: start,
        }),
      );
    const wholePartition = async () => {
      let start: Record<string, unknown> | undefined;
      do start = (await memberQuery(undefined, start)).LastEvaluatedKey;
      while (start);
    };
    const cases: {
      label: string;
      query: Record<string, string>;
      bare: () => Promise<unknown>;
      base: string;
      count: number;
    }[] = [
      {
        label: 'limit=100',
        query: { limit: '100' },
        bare: () => memberQuery(100),
        base: 'bare Query',
        count: 30,
      },
      {
        label: 'limit=1000',
        query: { limit: '1000' },
        bare: () => memberQuery(1000),
        base: 'bare Query',
        count: 30,
      },
      {
        label: 'limit=100&qualified=true (a filter reads every member)',
        query: { limit: '100', qualified: 'true' },
        bare: wholePartition,
        base: 'bare Query of all pages',
        count: 10,
      },
    ];
    for (const c of cases) {
      const query = { ...c.query, include_public_ips: 'true', include_contacts: 'true' };
      const viaHandler = async () => {
        const out = (await handler(event(query), context)) as APIGatewayProxyStructuredResultV2;
        if (out.statusCode !== 200) throw new Error(`getPeers answered ${out.statusCode}: ${out.body}`);
        return JSON.parse(String(out.body)) as { data: unknown[] };
      };
      for (let i = 0; i < c.count / 2; i++) {
        await viaHandler();
        await c.bare();
      }
      const page = await viaHandler();
      const counts: number[] = [];
      for (let i = 0; i < 5; i++) {
        requests = 0;
        await viaHandler();
        counts.push(requests);
      }
      const samples = await paired(
        () => milliseconds(c.bare),
        { handler: () => milliseconds(viaHandler) },
        rounds(c.count),
      );
      const ratio = median(samples.handler.ratios);
      rows.push({
        benchmark: 'getPeers',
        subject: `${c.label} + ips + contacts: ${page.data.length} peers of ${MEMBERS}, ${formatNumber(median(counts))} DynamoDB requests/call`,
        figure: `${formatNumber(median(samples.handler.subject), 1)} ms`,
        baseline: `${formatNumber(median(samples.handler.baseline), 1)} ms ${c.base}`,
        ratio,
        goal: `ratio <= ${MAX_RATIO}`,
        met: ratio <= MAX_RATIO,
      });
    }
    return rows;
  } finally {
    logger.setLogLevel(level);
    resetDdb();
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
