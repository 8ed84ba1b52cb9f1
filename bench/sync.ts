import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand, type NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startDynamoLocal } from '../local/engines';
import { changes, generate, type Records, writeResponses } from '../scripts/lib/generate';
import { resetConfig } from '../shared/config';
import type { ExchangeMember } from '../shared/domain/peeringdb/model';
import { OBJECT_TYPES, parseRecord } from '../shared/peeringdb/records';
import type { SyncReport } from '../shared/peeringdb/sync';
import { ddb, resetDdb } from '../shared/storage/client';
import { memberItem, orderContacts, sourceItem } from '../shared/storage/peeringdb-repository';
import { type BenchRow, formatNumber, freePort } from './harness';

/**
 * The full-scale PeeringDB sync (the generated set: 35,000 networks, 80,000 netixlan rows...) into
 * DynamoDB Local, against a bare BatchWrite of the very items it writes, in the same run. Then a
 * run over unchanged data (no writes allowed) and one over a 1% change set (writes = changes).
 * Each sync runs in its own process, so its peak memory is measured alone.
 */
const MAX_RATIO = 1.3;
const MAX_RSS_MB = 512;
const SEED = 1;
const IN_FLIGHT = 4;

interface ChildResult {
  report: SyncReport;
  wallMs: number;
  peakRssMb: number;
}

function syncInChild(
  folder: string,
  mode: 'full' | 'incremental',
  env: Record<string, string>,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'sync-child.ts'), folder, mode],
      {
        env: { ...process.env, ...env, LOG_LEVEL: 'ERROR' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`sync child exited with ${code}: ${last}`));
      resolve(JSON.parse(last) as ChildResult);
    });
  });
}

/** Exactly the items a first full sync writes, built beforehand so the baseline times writes alone. */
function itemsOf(records: Records): Record<string, NativeAttributeValue>[] {
  const items: Record<string, NativeAttributeValue>[] = [];
  const hash = (o: unknown) => createHash('sha1').update(JSON.stringify(o)).digest('base64url');
  const lanToIx = new Map(records.ixlan.map((l) => [l.id as number, l.ix_id as number]));
  const parsed: Record<string, Record<string, unknown>[]> = {};
  for (const type of OBJECT_TYPES) {
    parsed[type] = [];
    for (const raw of records[type]) {
      const p = parseRecord(type, raw);
      if (!p.ok || p.deleted) continue;
      if (type === 'ixpfx') p.object.ix_id = lanToIx.get(p.object.ixlan_id as number) ?? null;
      parsed[type].push(p.object);
      items.push(sourceItem(type, p.object, hash(p.object)));
    }
  }
  const nets = new Map((parsed.net ?? []).map((n) => [n.id as number, n]));
  const contacts = new Map<number, Record<string, unknown>[]>();
  for (const c of parsed.poc ?? [])
    contacts.set(c.net_id as number, [...(contacts.get(c.net_id as number) ?? []), c]);
  const pairs = new Map<string, Record<string, unknown>[]>();
  for (const row of parsed.netixlan ?? []) {
    const key = `${row.ix_id}:${row.net_id}`;
    pairs.set(key, [...(pairs.get(key) ?? []), row]);
  }
  for (const [key, rows] of pairs) {
    const [ixId, netId] = key.split(':').map(Number) as [number, number];
    const network = nets.get(netId);
    if (!network) continue;
    const member = {
      network,
      presences: rows,
      contacts: orderContacts((contacts.get(netId) ?? []) as never),
    } as unknown as ExchangeMember;
    items.push(memberItem(ixId, member, hash(member)));
  }
  return items;
}

async function bareBatchWrite(table: string, items: Record<string, NativeAttributeValue>[]): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      let batch = items.slice(next, next + 25).map((Item) => ({ PutRequest: { Item } }));
      next += 25;
      while (batch.length > 0) {
        const out = await ddb().send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
        batch = (out.UnprocessedItems?.[table] ?? []) as typeof batch;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return performance.now() - started;
}

const seconds = (ms: number) => `${formatNumber(ms / 1000, 1)} s`;

export async function syncAtFullScale(): Promise<BenchRow[]> {
  const work = mkdtempSync(join(tmpdir(), 'peerflow-bench-sync-'));
  const engine = await startDynamoLocal({ port: await freePort() });
  try {
    const base = generate('full', SEED);
    writeResponses(base, join(work, 'full'), 1000);
    const changeSet = changes(base, 1, SEED);
    writeResponses(changeSet, join(work, 'changes'), 1000);
    const changeCount = Object.values(changeSet).reduce((n, list) => n + list.length, 0);

    const env = {
      DDB_ENDPOINT: engine.endpoint,
      TABLE_NAME: 'bench-sync',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    await ensureTable(engine.endpoint, 'bench-sync');
    await ensureTable(engine.endpoint, 'bench-baseline');
    Object.assign(process.env, env, { TABLE_NAME: 'bench-baseline' });
    resetConfig();
    resetDdb();

    const items = itemsOf(base);
    const baselineMs = await bareBatchWrite('bench-baseline', items);
    const full = await syncInChild(join(work, 'full'), 'full', env);
    const same = await syncInChild(join(work, 'full'), 'incremental', env);
    const changed = await syncInChild(join(work, 'changes'), 'incremental', env);

    const fullWrites = full.report.writes.source + full.report.writes.derived;
    const ratio = full.wallMs / baselineMs;
    return [
      {
        benchmark: 'peeringdb sync',
        subject: `full sync, ${formatNumber(fullWrites)} items (${formatNumber(full.report.writes.derived)} derived)`,
        figure: seconds(full.wallMs),
        baseline: `${seconds(baselineMs)} (BatchWrite of ${formatNumber(items.length)} items)`,
        ratio,
        goal: `ratio <= ${MAX_RATIO}`,
        met: full.report.status === 'succeeded' && fullWrites === items.length && ratio <= MAX_RATIO,
      },
      {
        benchmark: 'peeringdb sync',
        subject: 'full sync peak memory',
        figure: `${formatNumber(full.peakRssMb)} MB`,
        goal: `<= ${MAX_RSS_MB} MB`,
        met: full.peakRssMb <= MAX_RSS_MB,
      },
      {
        benchmark: 'peeringdb sync',
        subject: 'run over unchanged data',
        figure: `${same.report.writes.source + same.report.writes.derived} writes in ${seconds(same.wallMs)}`,
        goal: '0 writes',
        met:
          same.report.status === 'succeeded' && same.report.writes.source + same.report.writes.derived === 0,
      },
      {
        benchmark: 'peeringdb sync',
        subject: `1% change set (${formatNumber(changeCount)} changed objects)`,
        figure: `${changed.report.writes.source} source writes (+${changed.report.writes.derived} derived) in ${seconds(changed.wallMs)}`,
        goal: 'source writes = changes',
        met: changed.report.status === 'succeeded' && changed.report.writes.source === changeCount,
      },
    ];
  } finally {
    await engine.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
