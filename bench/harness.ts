/**
 * What every benchmark module returns: one row per subject, each measured against a baseline taken
 * in the same run, because a figure from another run on a noisy machine says little.
 */
export interface BenchRow {
  benchmark: string;
  subject: string;
  /** The subject's own figure, with its unit (e.g. "212 KB", "9,800 /s"). */
  figure: string;
  /** The baseline's figure in the same unit, when the row is a comparison. */
  baseline?: string;
  /** subject / baseline. */
  ratio?: number;
  /** The goal in words (e.g. "< 400 KB", "ratio <= 1.5"), and whether this run met it. */
  goal?: string;
  met?: boolean;
}

export type Benchmark = () => Promise<BenchRow[]>;

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds of a benchmark: `BENCH_ROUNDS` overrides the module's default (more rounds, steadier medians). */
export function rounds(fallback: number): number {
  const n = Number(process.env.BENCH_ROUNDS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export interface PairedSamples {
  subject: number[];
  baseline: number[];
  /** subject / baseline of each pair: the baseline ran right beside the subject, on the same machine state. */
  ratios: number[];
}

/**
 * Runs each subject right beside a baseline run, round after round, alternating which of the two goes
 * first and rotating the subjects' order, so slow phases of a shared machine fall on both sides of
 * each pair. The ratio to report is the median of the pairs' ratios.
 */
export async function paired<K extends string>(
  baseline: () => Promise<number>,
  subjects: Record<K, () => Promise<number>>,
  count: number,
): Promise<Record<K, PairedSamples>> {
  const names = Object.keys(subjects) as K[];
  const out = Object.fromEntries(
    names.map((n) => [n, { subject: [], baseline: [], ratios: [] } as PairedSamples]),
  ) as Record<K, PairedSamples>;
  for (let round = 0; round < count; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      let base: number;
      let value: number;
      if ((round + i) % 2 === 0) {
        base = await baseline();
        value = await subjects[name]();
      } else {
        value = await subjects[name]();
        base = await baseline();
      }
      out[name].subject.push(value);
      out[name].baseline.push(base);
      out[name].ratios.push(value / base);
    }
  }
  return out;
}

export const formatNumber = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
