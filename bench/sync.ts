import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTable, freePort, startDynamoLocal } from '../local/engines';
import { changes, generate, writeResponses } from '../scripts/lib/generate';
import type { SyncReport } from '../shared/peeringdb';
import { type BenchRow, formatNumber } from './harness';

/**
 * The full-scale PeeringDB sync (the generated set: 35,000 networks, 80,000 netixlan rows...) into
 * DynamoDB Local, against a bare BatchWrite of the very items it writes, in the same run. Then a
 * run over unchanged data (no writes allowed) and one over a 1% change set (writes = changes).
 * Each side runs in a process of its own, so the sync's peak memory is its own and neither pays
 * for the other's heap.
 */
const MAX_RATIO = 1.3;
const MAX_RSS_MB = 512;
const SEED = 1;

interface SyncResult {
  report: SyncReport;
  wallMs: number;
  peakRssMb: number;
}

function inChild<T>(script: string, args: string[], env: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script), ...args], {
      env: { ...process.env, ...env, LOG_LEVEL: 'ERROR' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${script} exited with ${code}: ${last}`));
      resolve(JSON.parse(last) as T);
    });
  });
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

    const baseline = await inChild<{ ms: number; items: number }>('sync-baseline.ts', [String(SEED)], {
      ...env,
      TABLE_NAME: 'bench-baseline',
    });
    const sync = (folder: string, mode: 'full' | 'incremental') =>
      inChild<SyncResult>('sync-child.ts', [join(work, folder), mode], env);
    const full = await sync('full', 'full');
    const same = await sync('full', 'incremental');
    const changed = await sync('changes', 'incremental');

    const fullWrites = full.report.writes.source + full.report.writes.derived;
    const ratio = full.wallMs / baseline.ms;
    return [
      {
        benchmark: 'peeringdb sync',
        subject: `full sync, ${formatNumber(fullWrites)} items (${formatNumber(full.report.writes.derived)} derived)`,
        figure: seconds(full.wallMs),
        baseline: `${seconds(baseline.ms)} (BatchWrite of ${formatNumber(baseline.items)} items)`,
        ratio,
        goal: `ratio <= ${MAX_RATIO}`,
        met: full.report.status === 'succeeded' && fullWrites === baseline.items && ratio <= MAX_RATIO,
      },
      {
        benchmark: 'peeringdb sync',
        subject: 'full sync peak memory (max RSS)',
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
