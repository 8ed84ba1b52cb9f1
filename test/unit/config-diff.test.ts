import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../shared/sessions/config-diff';

const labels = { from: 'a', to: 'b' };
const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('x\ny\n', 'x\ny\n', labels)).toBe('');
  });

  it('gives one hunk with three lines of context around a change', () => {
    const after = lines(10);
    after[4] = 'changed';
    expect(unifiedDiff(`${lines(10).join('\n')}\n`, `${after.join('\n')}\n`, labels)).toBe(
      [
        '--- a',
        '+++ b',
        '@@ -2,7 +2,7 @@',
        ' line 2',
        ' line 3',
        ' line 4',
        '-line 5',
        '+changed',
        ' line 6',
        ' line 7',
        ' line 8',
        '',
      ].join('\n'),
    );
  });

  it('splits changes further apart than twice the context into hunks, and joins closer ones', () => {
    const base = lines(30);
    const far = base.filter((l) => l !== 'line 2' && l !== 'line 25');
    const hunks = unifiedDiff(base.join('\n'), far.join('\n'), labels).match(/^@@ .* @@$/gm);
    expect(hunks).toEqual(['@@ -1,5 +1,4 @@', '@@ -22,7 +21,6 @@']);
    const near = base.filter((l) => l !== 'line 2' && l !== 'line 8');
    expect(unifiedDiff(base.join('\n'), near.join('\n'), labels).match(/^@@ .* @@$/gm)).toEqual([
      '@@ -1,11 +1,9 @@',
    ]);
  });

  it('diffs from and to an empty text', () => {
    expect(unifiedDiff('', 'a\nb\n', labels)).toBe('--- a\n+++ b\n@@ -0,0 +1,2 @@\n+a\n+b\n');
    expect(unifiedDiff('a\n', '', labels)).toBe('--- a\n+++ b\n@@ -1,1 +0,0 @@\n-a\n');
  });

  it('finds a few changed lines in a text of thousands, each in its own hunk', () => {
    // Lines repeat in a config (closing braces); the change is one line, in the middle of a long text.
    const block = (i: number) => [`protocol p${i} {`, '  import all;', '}'];
    const before = Array.from({ length: 2000 }, (_, i) => block(i)).flat();
    const after = [...before];
    after.splice(3001, 0, '  import limit 5;');
    after.splice(5000, 1);
    const diff = unifiedDiff(`${before.join('\n')}\n`, `${after.join('\n')}\n`, labels);
    expect(diff.match(/^[-+@].*$/gm)).toEqual([
      '--- a',
      '+++ b',
      '@@ -2999,6 +2999,7 @@',
      '+  import limit 5;',
      '@@ -4997,7 +4998,6 @@',
      '-  import all;',
    ]);
  });
});
