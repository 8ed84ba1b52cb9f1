import { describe, expect, it } from 'vitest';
import { singleLine } from '../../shared/api/schemas';

describe('singleLine', () => {
  const line = singleLine(80);

  it('takes one line of any script', () => {
    for (const text of ['Peering with AS64500', 'Zürich — 東京 / São Paulo', "O'Brien & Co. <noc>", '']) {
      expect(line.safeParse(text).success, text).toBe(true);
    }
  });

  it('refuses line breaks of every kind and other control characters', () => {
    const breaks = ['\r', '\n', '\r\n', '\u0085', '\u2028', '\u2029', '\u000b', '\u000c'];
    const controls = ['\u0000', '\u0007', '\u001b', '\u007f', '\u009b'];
    for (const c of [...breaks, ...controls]) {
      const parsed = line.safeParse(`Subject${c}Bcc: victim@example.net`);
      expect(parsed.success, JSON.stringify(c)).toBe(false);
      expect(parsed.error?.issues[0]?.message).toBe('must be a single line without control characters');
    }
  });

  it('refuses text over its length', () => {
    expect(line.safeParse('x'.repeat(80)).success).toBe(true);
    expect(line.safeParse('x'.repeat(81)).success).toBe(false);
  });
});
