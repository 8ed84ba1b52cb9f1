import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { routes } from '../../shared/app/route-table';
import { ValidationError } from '../../shared/platform/errors';
import { resetConfig } from '../../shared/platform/config';
import { cursorSealer } from '../../shared/platform/http/cursor-sealer';
import { defineAction } from '../../shared/platform/http/define-action';
import { takesCursor } from '../../shared/platform/http/list-cursors';
import { getRouterRoute, listRoutersRoute } from '../../shared/routers';
import { loadCursorKey, resetCursorKey } from '../../shared/platform/secrets/cursor-key';
import {
  CURSOR_LIFETIME_SECONDS,
  type CursorBinding,
  openCursor,
  sealCursor,
} from '../../shared/platform/storage/pagination';

const sent: string[] = [];
vi.mock('@aws-sdk/client-secrets-manager', () => ({
  SecretsManagerClient: class {
    async send(command: { input: { SecretId: string } }) {
      sent.push(command.input.SecretId);
      return { SecretString: JSON.stringify({ key: 'k'.repeat(64) }) };
    }
  },
  GetSecretValueCommand: class {
    constructor(readonly input: unknown) {}
  },
}));

const KEY = Buffer.alloc(32, 7);
const NOW = Date.parse('2026-06-01T12:00:00Z');
const INNER = Buffer.from(JSON.stringify({ pk: 'SESSION#1', sk: 'SESSION', gsi1pk: 'SESSIONS' })).toString(
  'base64url',
);
const QUERY = { peer_asn: 20940, state: 'configured' };
const BINDING: CursorBinding = {
  list: 'getSessions',
  caller: 'user-1',
  parameters: { params: {}, query: QUERY },
};

function refused(open: () => unknown): string | undefined {
  try {
    open();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).message).toBe('Invalid cursor');
    return (err as ValidationError).details[0]?.message;
  }
  throw new Error('the cursor was taken');
}

describe('a sealed cursor', () => {
  const sealed = sealCursor(INNER, BINDING, KEY, NOW);

  it('opens to the inner cursor for the same list, parameters and caller', () => {
    expect(openCursor(sealed, BINDING, KEY, NOW)).toBe(INNER);
  });

  it('is URL-safe and only a little longer than the position it carries', () => {
    expect(sealed).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(sealed.length - INNER.length).toBeLessThanOrEqual(31);
  });

  it('does not depend on the order of the parameters or on ones left undefined', () => {
    const same: CursorBinding = {
      ...BINDING,
      parameters: { query: { state: 'configured', note: undefined, peer_asn: 20940 }, params: {} },
    };
    expect(openCursor(sealed, same, KEY, NOW)).toBe(INNER);
  });

  it('is refused on another list, for another caller, with a parameter changed, added or removed', () => {
    const others: CursorBinding[] = [
      { ...BINDING, list: 'listRouters' },
      { ...BINDING, caller: 'user-2' },
      { ...BINDING, caller: '' },
      { ...BINDING, parameters: { params: {}, query: { peer_asn: 20941, state: 'configured' } } },
      { ...BINDING, parameters: { params: {}, query: { peer_asn: '20940', state: 'configured' } } },
      { ...BINDING, parameters: { params: {}, query: { peer_asn: 20940 } } },
      { ...BINDING, parameters: { params: {}, query: { ...QUERY, type: 'Peer' } } },
      { ...BINDING, parameters: { params: { public_id: 1 }, query: QUERY } },
    ];
    for (const other of others) refused(() => openCursor(sealed, other, KEY, NOW));
  });

  it('is refused under another key', () => {
    refused(() => openCursor(sealed, BINDING, Buffer.alloc(32, 8), NOW));
  });

  it('is refused with any one character changed, removed or added', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    for (let i = 0; i < sealed.length; i++) {
      for (const c of [alphabet[(alphabet.indexOf(sealed[i]!) + 1) % alphabet.length]!, '.', 'A']) {
        if (c === sealed[i]) continue;
        refused(() => openCursor(sealed.slice(0, i) + c + sealed.slice(i + 1), BINDING, KEY, NOW));
      }
      refused(() => openCursor(sealed.slice(0, i) + sealed.slice(i + 1), BINDING, KEY, NOW));
    }
    refused(() => openCursor(`${sealed}A`, BINDING, KEY, NOW));
    refused(() => openCursor(`A${sealed}`, BINDING, KEY, NOW));
  });

  it('is refused when it is not one at all', () => {
    for (const text of [
      '',
      '.',
      '..',
      'a.b.c',
      INNER,
      `${INNER}.0`,
      `.${sealed.split('.').slice(1).join('.')}`,
    ]) {
      refused(() => openCursor(text, BINDING, KEY, NOW));
    }
  });

  it('lives 24 hours, and is refused from further ahead than the clocks may differ', () => {
    const day = CURSOR_LIFETIME_SECONDS * 1000;
    expect(CURSOR_LIFETIME_SECONDS).toBe(86_400);
    expect(openCursor(sealed, BINDING, KEY, NOW + day)).toBe(INNER);
    expect(refused(() => openCursor(sealed, BINDING, KEY, NOW + day + 1000))).toMatch(/expired/);
    expect(openCursor(sealed, BINDING, KEY, NOW - 60_000)).toBe(INNER);
    refused(() => openCursor(sealed, BINDING, KEY, NOW - 3_600_000));
  });
});

describe('the list routes', () => {
  it('each declare the cursor key, which only they may read', () => {
    const lists = routes.filter(takesCursor);
    expect(lists.length).toBeGreaterThan(5);
    for (const route of lists) expect(route.access.cursorKey, route.operationId).toBe(true);
  });

  it('each get the cursor sealer from their entry file, and no other route does', () => {
    const page = async () => ({ data: [], next_cursor: null });
    expect(() => defineAction(listRoutersRoute, page)).toThrow(/given cursorSealer, and only it/);
    expect(defineAction(listRoutersRoute, page, { cursors: cursorSealer }).contract).toBe(listRoutersRoute);
    const one = async () => {
      throw new Error('not called');
    };
    expect(() => defineAction(getRouterRoute, one, { cursors: cursorSealer })).toThrow(
      /given cursorSealer, and only it/,
    );
  });
});

describe('the cursor key', () => {
  afterEach(() => {
    delete process.env.CURSOR_KEY_SECRET_ARN;
    resetConfig();
    resetCursorKey();
  });

  it('is generated once in the data folder and read back from it', async () => {
    resetCursorKey();
    const first = await loadCursorKey();
    expect(first).toHaveLength(32);
    const file = join(process.env.DATA_DIR!, 'cursor.key');
    expect(existsSync(file)).toBe(true);
    resetCursorKey();
    expect((await loadCursorKey()).equals(first)).toBe(true);
    expect(Buffer.from(readFileSync(file, 'utf8'), 'base64url').equals(first)).toBe(true);
  });

  it('is read from its secret in AWS, once', async () => {
    process.env.CURSOR_KEY_SECRET_ARN = 'arn:cursor';
    resetConfig();
    resetCursorKey();
    const [a, b] = await Promise.all([loadCursorKey(), loadCursorKey()]);
    expect(a.toString('utf8')).toBe('k'.repeat(64));
    expect(b).toBe(a);
    expect(sent).toEqual(['arn:cursor']);
  });
});
