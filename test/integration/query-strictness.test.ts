import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../shared/app/route-table';
import { call, tableSnapshot, userWithRole } from '../support/api';
import { validPath } from '../support/route-requests';

/**
 * A query parameter a route does not take is refused (422 naming it), never ignored: a misspelt
 * filter must not widen a list or a delete. Walks the route table, so later routes are covered.
 */
let admin = '';
beforeAll(async () => {
  admin = (await userWithRole('admin')).token;
});

describe('unknown query parameters', () => {
  const takesAnyKey = (r: (typeof routes)[number]) => {
    const def = r.query?._zod.def as { catchall?: { _zod: { def: { type: string } } } } | undefined;
    return def?.catchall !== undefined && def.catchall._zod.def.type !== 'never';
  };
  const checked = routes.filter((r) => r.method === 'GET' && r.role !== 'public' && !takesAnyKey(r));

  it('covers the protected GET routes', () => {
    expect(checked.length).toBeGreaterThan(20);
  });

  for (const r of checked) {
    it(`${r.method} ${r.path} refuses one`, async () => {
      const res = await call(r.method, `${validPath(r)}?peer_asm=64500`, { token: admin });
      expect(res.status).toBe(422);
      expect(res.json.error.details).toContainEqual({
        path: 'query.peer_asm',
        message: 'Unknown query parameter "peer_asm"',
      });
    });
  }

  it('refuses a misspelt filter on DELETE /sessions and deletes nothing', async () => {
    const before = await tableSnapshot();
    const res = await call('DELETE', '/sessions?peer_asm=64500&ip_type=ipv4', { token: admin });
    expect(res.status).toBe(422);
    expect(res.json.error.details.map((d: { path: string }) => d.path)).toContain('query.peer_asm');
    expect(await tableSnapshot()).toEqual(before);
  });

  it('leaves public pages lenient and the v1 gateway taking any parameter', async () => {
    expect((await call('GET', '/health?nocache=1')).status).toBe(200);
    const v1 = await call('GET', '/api/v1/api.php?target=peering&action=getRequests&whatever=1', {
      token: admin,
    });
    expect(v1.status).toBe(200);
  });
});
