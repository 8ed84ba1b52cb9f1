import { authorizerThroughput } from './authorizer';
import { bundles } from './bundles';
import { deploymentToBird } from './deployments';
import { type Benchmark, type BenchRow, formatNumber } from './harness';
import { irrPrefixLists } from './irr';
import { peersAtBiggestExchange } from './peers';
import { pollingBird } from './polling';
import { syncAtFullScale } from './sync';

/**
 * `npm run bench`: runs every benchmark and prints one table of figures and ratios, each against a
 * baseline measured in the same run. It is a report: it exits 0 even when a goal is missed, and says
 * MISSED loudly.
 *
 * Adding a benchmark: write `bench/<topic>.ts` exporting an async function that returns `BenchRow[]`
 * (see `bench/harness.ts`; `paired` and `median` take care of noisy machines), then add it to
 * BENCHMARKS below (its import and one entry). `BENCH_ONLY=<name>` runs only the benchmarks whose function name
 * contains it; `BENCH_ROUNDS=<n>` changes the number of rounds.
 */
const BENCHMARKS: Benchmark[] = [
  bundles,
  authorizerThroughput,
  peersAtBiggestExchange,
  syncAtFullScale,
  deploymentToBird,
  pollingBird,
  irrPrefixLists,
];

function printTable(all: BenchRow[]): void {
  // Rows without a baseline are findings rather than comparisons; they go under the table.
  const rows = all.filter((r) => r.baseline !== undefined || r.met !== undefined);
  const notes = all.filter((r) => !rows.includes(r));
  const header = ['benchmark', 'subject', 'figure', 'baseline', 'ratio', 'goal', 'verdict'];
  const cells = rows.map((r) => [
    r.benchmark,
    r.subject,
    r.figure,
    r.baseline ?? '',
    r.ratio === undefined ? '' : `${formatNumber(r.ratio, 2)}x`,
    r.goal ?? '',
    r.met === undefined ? '' : r.met ? 'ok' : 'MISSED',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
  for (const n of notes) console.log(`\n${n.benchmark}, ${n.subject}: ${n.figure}`);
}

const only = process.env.BENCH_ONLY;
const selected = BENCHMARKS.filter((b) => !only || b.name.includes(only));
const rows: BenchRow[] = [];
for (const benchmark of selected) {
  const started = performance.now();
  try {
    rows.push(...(await benchmark()));
  } catch (err) {
    rows.push({
      benchmark: benchmark.name,
      subject: 'did not run',
      figure: (err as Error).message,
      met: false,
    });
  }
  console.error(`${benchmark.name}: ${formatNumber((performance.now() - started) / 1000, 1)} s`);
}
printTable(rows);
const missed = rows.filter((r) => r.met === false);
console.log(
  missed.length > 0
    ? `\n!!! MISSED ${missed.length} of ${rows.filter((r) => r.met !== undefined).length} goals: see the MISSED rows above`
    : '\nEvery goal met.',
);
process.exit(0);
