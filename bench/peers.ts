import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { generate, type Records } from '../scripts/lib/generate';
import { memorySource, memberPartition } from '../shared/peeringdb';
import { syncPeeringDb } from '../shared/app/peeringdb-sync';
import { ddb, tableName } from '../shared/platform/storage/client';
import { buildPeerRows, requestStatusItem } from '../shared/peers';
import { peerLogItem } from '../shared/peer-log';
import { type BenchRow, formatNumber, median, paired, rounds } from './harness';
import { benchTable } from './local-table';

/**
 * getPeers at the biggest exchange of the generated full-scale PeeringDB data (over 2,000 members,
 * a tenth of them with our state and log) with public IPs and contacts embedded, through the route's
 * real Lambda handler, against a bare DynamoDB Query of the same member page. Both read the same
 * engine in the same run; the handler also reads, in parallel, our state of the page's peers (one
 * Query in member order, at most a page of states) and the sessions at the exchange, and builds and
 * serializes the peers. A page filtered on the verdict, the request status or `is_peer` reads one
 * page of the peer rows (built after the sync, as every sync is followed), so it is measured against
 * a bare Query of one member page of the same size; a filter without an index still reads every
 * member, and is measured against reading all of them.
 */
const MAX_RATIO = 1.5;
const SEED = 1;

interface Biggest {
  ix: number;
  members: number[];
  /** The members' PeeringDB names, which place their state in member order. */
  names: Map<number, string>;
}

/** The exchange with the most member networks in the generated data. */
function biggestExchange(records: Records): Biggest {
  const byExchange = new Map<number, Set<number>>();
  for (const row of records.netixlan as { ix_id: number; net_id: number }[]) {
    const nets = byExchange.get(row.ix_id) ?? new Set<number>();
    nets.add(row.net_id);
    byExchange.set(row.ix_id, nets);
  }
  const [ix, nets] = [...byExchange.entries()].sort((a, b) => b[1].size - a[1].size)[0]!;
  const names = new Map<number, string>();
  for (const net of records.net as { id: number; name: string }[]) {
    if (nets.has(net.id)) names.set(net.id, net.name);
  }
  return { ix, members: [...nets], names };
}

/**
 * Syncs the generated data into the engine. The records stay inside this function, so the hundreds
 * of megabytes they take are garbage before the measuring starts.
 */
async function loadFullScale(): Promise<Biggest> {
  const records = generate('full', SEED);
  const started = performance.now();
  const report = await syncPeeringDb({ source: memorySource(records), mode: 'full', trigger: 'bench' });
  if (report.status !== 'succeeded') throw new Error(`the sync of the generated data ended ${report.status}`);
  console.error(
    `peers bench: full-scale data synced in ${formatNumber((performance.now() - started) / 1000, 0)} s`,
  );
  return biggestExchange(records);
}

/** Our side: a tenth of the peers have a request status and a few log entries. */
async function peerState({ ix, members, names }: Biggest): Promise<void> {
  for (let i = 0; i < members.length; i += 10) {
    const id = members[i]!;
    await ddb().send(
      new TransactWriteCommand({
        TransactItems: [
          requestStatusItem({ publicId: ix, participantId: id, name: names.get(id)! }, 'sent'),
          peerLogItem({
            public_id: ix,
            participant_id: id,
            message: 'Request sent',
            user: 'bench@example.net',
          }),
          peerLogItem({ public_id: ix, participant_id: id, message: 'Private notes updated', user: null }),
        ],
      }),
    );
  }
}

function event(ix: number, query: Record<string, string>): APIGatewayProxyEventV2 {
  const now = new Date();
  return {
    version: '2.0',
    routeKey: 'GET /exchanges/{public_id}/peers',
    rawPath: `/exchanges/${ix}/peers`,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: { host: 'localhost' },
    queryStringParameters: query,
    pathParameters: { public_id: String(ix) },
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'GET',
        path: `/exchanges/${ix}/peers`,
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
  // As `npm start` gives the local engine: on a busy machine one request of the full-scale sync can
  // take longer than the 1.5 s a Lambda gives DynamoDB, which would end the run.
  process.env.AWS_REQUEST_TIMEOUT_MS ??= '15000';
  // The scratch engine and table, the logger silent: a log line per call would be measured too.
  const table = await benchTable('peerflow-bench-peers', 'peers');
  try {
    const biggest = await loadFullScale();
    await peerState(biggest);
    // What follows every sync: the peer rows, here of every exchange (the state above included).
    const building = performance.now();
    const built = await buildPeerRows();
    const buildSeconds = (performance.now() - building) / 1000;
    console.error(
      `peers bench: peer rows of ${built.built} exchanges built in ${formatNumber(buildSeconds, 0)} s (${built.written} rows)`,
    );
    const { ix } = biggest;

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
          ExpressionAttributeValues: { ':pk': memberPartition(ix), ':m': 'M#' },
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
        label: 'limit=100&qualified=true',
        query: { limit: '100', qualified: 'true' },
        bare: () => memberQuery(100),
        base: 'bare Query of one page',
        count: 30,
      },
      {
        label: 'limit=100&request_status=sent',
        query: { limit: '100', request_status: 'sent' },
        bare: () => memberQuery(100),
        base: 'bare Query of one page',
        count: 30,
      },
      {
        label: 'limit=100&is_peer=false&qualified=false',
        query: { limit: '100', is_peer: 'false', qualified: 'false' },
        bare: () => memberQuery(100),
        base: 'bare Query of one page',
        count: 30,
      },
      {
        label: 'limit=1000&qualified=true',
        query: { limit: '1000', qualified: 'true' },
        bare: () => memberQuery(1000),
        base: 'bare Query of one page',
        count: 30,
      },
      {
        label: 'limit=100&name=a (a filter without an index reads every member)',
        query: { limit: '100', name: 'a' },
        bare: wholePartition,
        base: 'bare Query of all pages',
        count: 10,
      },
    ];
    for (const c of cases) {
      const query = { ...c.query, include_public_ips: 'true', include_contacts: 'true' };
      const viaHandler = async () => {
        const out = (await handler(event(ix, query), context)) as APIGatewayProxyStructuredResultV2;
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
        subject: `${c.label} + ips + contacts: ${page.data.length} peers of ${biggest.members.length} at ix ${ix}, ${formatNumber(median(counts))} DynamoDB requests/call`,
        figure: `${formatNumber(median(samples.handler.subject), 1)} ms`,
        baseline: `${formatNumber(median(samples.handler.baseline), 1)} ms ${c.base}`,
        ratio,
        goal: `ratio <= ${MAX_RATIO}`,
        met: ratio <= MAX_RATIO,
      });
    }
    rows.push({
      benchmark: 'getPeers',
      subject: `the build of the peer rows after the full-scale sync (${built.built} exchanges, ${built.written} rows)`,
      figure: `${formatNumber(buildSeconds, 1)} s`,
    });
    return rows;
  } finally {
    await table.stop();
  }
}
