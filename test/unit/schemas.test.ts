import { describe, expect, it } from 'vitest';
import { idParam, limitQuery, multiLine, singleLine } from '../../shared/platform/http/schemas';
import { updateSessionRoute } from '../../shared/sessions/routes';

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

describe('ids and limits', () => {
  it('take JSON integers and plain decimal text', () => {
    expect(idParam.parse(12)).toBe(12);
    expect(idParam.parse('12')).toBe(12);
    expect(idParam.parse('2147483647')).toBe(2_147_483_647);
    expect(limitQuery.parse(undefined)).toBe(100);
    expect(limitQuery.parse('1000')).toBe(1000);
  });

  it('refuse other spellings and other types instead of coercing them', () => {
    const message = (v: unknown) => idParam.safeParse(v).error?.issues[0]?.message;
    for (const text of ['0x2', '2e0', ' 2', '2 ', '', 'abc', '+2'])
      expect(message(text), text).toBe('must be a number');
    for (const value of [true, [], {}, null])
      expect(message(value), JSON.stringify(value)).toMatch(/^Invalid input: expected number/);
    expect(message('1.5')).toMatch(/expected int/);
    expect(message('0')).toMatch(/>=1/);
    expect(message('-3')).toMatch(/>=1/);
    expect(message('2147483648')).toMatch(/<=2147483647/);
    expect(limitQuery.safeParse('').error?.issues[0]?.message).toBe('must be a number');
  });
});

describe('multiLine', () => {
  it('takes line breaks and tabs, and refuses every other control character', () => {
    const text = multiLine(100);
    expect(text.safeParse('line one\n\tline two\r\n').success).toBe(true);
    for (const c of ['\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u009b']) {
      expect(text.safeParse(`x${c}y`).success, JSON.stringify(c)).toBe(false);
    }
  });

  it('is what a session note takes', () => {
    const body = updateSessionRoute.body!;
    expect(body.safeParse({ version: 1, note: 'x\u0000y' }).success).toBe(false);
    expect(body.safeParse({ version: 1, note: 'two\nlines' }).success).toBe(true);
  });
});
