/**
 * A unified diff of two texts, line by line, from their longest common subsequence: `---`/`+++`
 * headers, `@@ -a,n +b,m @@` hunks with `context` unchanged lines around each change. Empty when
 * the texts are equal. The lines both texts start and end with are matched first: a deployment
 * changes a few lines of a config of thousands, and the quadratic table is built only for the
 * lines between.
 */
export function unifiedDiff(
  before: string,
  after: string,
  labels: { from: string; to: string },
  context = 3,
): string {
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = lineOps(a, b);
  if (ops.every((op) => op.kind === ' ')) return '';

  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  let i = 0;
  while (i < ops.length) {
    // The next change, and the hunk around it: changes closer than twice the context join it.
    while (i < ops.length && ops[i]!.kind === ' ') i += 1;
    if (i >= ops.length) break;
    const start = Math.max(0, i - context);
    let end = i;
    let lastChange = i;
    while (end < ops.length) {
      if (ops[end]!.kind !== ' ') lastChange = end;
      else if (end - lastChange > 2 * context) break;
      end += 1;
    }
    end = Math.min(ops.length, lastChange + context + 1);
    const hunk = ops.slice(start, end);
    const first = ops[start]!;
    const fromCount = hunk.filter((op) => op.kind !== '+').length;
    const toCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${range(first.a, fromCount)} +${range(first.b, toCount)} @@`);
    for (const op of hunk) out.push(`${op.kind}${op.line}`);
    i = end;
  }
  return `${out.join('\n')}\n`;
}

interface Op {
  kind: ' ' | '-' | '+';
  line: string;
  /** The 0-based line of `a` and of `b` this op stands at. */
  a: number;
  b: number;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The edit script: common lines kept, the rest removed from `a` before added from `b`. */
function lineOps(a: string[], b: string[]): Op[] {
  // The lines both start and end with are in a longest common subsequence: the table covers the
  // lines between, a[head..n) and b[head..m).
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let n = a.length;
  let m = b.length;
  while (n > head && m > head && a[n - 1] === b[m - 1]) [n, m] = [n - 1, m - 1];
  // lcs[i - head][j - head]: the length of the longest common subsequence of a[i..n) and b[j..m).
  const lcs = Array.from({ length: n - head + 1 }, () => new Uint32Array(m - head + 1));
  for (let i = n - 1; i >= head; i -= 1) {
    const [row, next] = [lcs[i - head]!, lcs[i - head + 1]!];
    for (let j = m - 1; j >= head; j -= 1) {
      row[j - head] = a[i] === b[j] ? next[j - head + 1]! + 1 : Math.max(next[j - head]!, row[j - head + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if ((i >= n && j >= m) || (i < n && j < m && a[i] === b[j])) {
      ops.push({ kind: ' ', line: a[i]!, a: i, b: j });
      i += 1;
      j += 1;
    } else if (j >= m || (i < n && lcs[i - head + 1]![j - head]! >= lcs[i - head]![j - head + 1]!)) {
      ops.push({ kind: '-', line: a[i]!, a: i, b: j });
      i += 1;
    } else {
      ops.push({ kind: '+', line: b[j]!, a: i, b: j });
      j += 1;
    }
  }
  return ops;
}

/** A hunk's range: 1-based start and count; an empty side starts at the line before it (`0,0`). */
function range(start: number, count: number): string {
  return `${count === 0 ? start : start + 1},${count}`;
}
