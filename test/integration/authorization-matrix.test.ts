import { beforeAll, describe, expect, it } from 'vitest';
import { ROLE_ORDER, type Role, type RouteContract } from '../../shared/platform/http/contract';
import { routes } from '../../shared/app/route-table';
import type { UserRole } from '../../shared/platform/auth/caller';
import { createUser, updateUser } from '../../shared/users/users';
import { call, tableSnapshot, userWithRole, callRoute } from '../support/api';
import { meRoute } from '../../shared/users/routes';
import { invalidBody, invalidPath, validPath } from '../support/route-requests';
import { badTokens, type TokenFlaw } from '../support/tokens';

/**
 * Walks the route table, so a route added later is covered without touching this file: every
 * protected route refuses each kind of bad token with 401 and every weaker role with 403, and
 * changes nothing doing so.
 */
const PUBLIC_ROUTES = [
  'GET /',
  'GET /openapi.json',
  'GET /health',
  'GET /.well-known/jwks.json',
  'GET /explorer/{file}',
  'POST /users/post_login',
];

const routeKey = (r: RouteContract) => `${r.method} ${r.path}`;
const protectedRoutes = routes.filter((r) => r.role !== 'public');
const publicRoutes = routes.filter((r) => r.role === 'public');

const FLAWS: TokenFlaw[] = [
  'malformed',
  'expired',
  'bad signature',
  'alg none',
  'HS256 with the public key',
  'wrong issuer',
  'wrong audience',
  'unknown kid',
  'unknown user',
  'disabled user',
];

function weakerRoles(required: Role): UserRole[] {
  return ROLE_ORDER.slice(1, ROLE_ORDER.indexOf(required)) as UserRole[];
}

/** A body for routes that take one, so the request looks like a real call. */
function bodyFor(r: RouteContract) {
  return r.body ? { body: {} } : {};
}

const tokens = {} as Record<UserRole, string>;
let authHeaders: Awaited<ReturnType<typeof badTokens>>;

beforeAll(async () => {
  const [viewer, operator, admin] = await Promise.all([
    userWithRole('viewer'),
    userWithRole('operator'),
    userWithRole('admin'),
  ]);
  tokens.viewer = viewer.token;
  tokens.operator = operator.token;
  tokens.admin = admin.token;
  const disabled = await createUser({
    email: `disabled-${crypto.randomUUID()}@example.net`,
    password: 'a long enough password',
    name: 'Disabled admin',
    role: 'admin',
  });
  await updateUser(disabled.id, { disabled: true });
  authHeaders = await badTokens(
    { userId: admin.user.id, role: 'admin' },
    { userId: disabled.id, role: 'admin' },
  );
});

describe('the route table', () => {
  it('has no public route beyond the known ones', () => {
    expect(publicRoutes.map(routeKey).sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('has a request that passes the path schema for every route', () => {
    for (const r of routes) expect(() => validPath(r)).not.toThrow();
  });

  it('accepts the recipe of the bad tokens when nothing is wrong with it', async () => {
    const res = await callRoute(meRoute, { headers: { authorization: authHeaders.valid } });
    expect(res.status).toBe(200);
  });
});

describe.each(publicRoutes.map((r) => [routeKey(r), r] as const))('public %s', (_, r) => {
  it('answers without a token', async () => {
    const res = await call(r.method, validPath(r), bodyFor(r));
    expect(res.status).not.toBe(401);
    expect(res.status).not.toBe(403);
    expect(res.status).toBeLessThan(500);
  });
});

describe.each(protectedRoutes.map((r) => [routeKey(r), r] as const))('%s', (_, r) => {
  const path = validPath(r);
  // Every refusal below must leave the table exactly as it was when this route's checks began.
  let before: string[];
  beforeAll(async () => {
    before = await tableSnapshot();
  });

  it('answers 401 without a token and changes nothing', async () => {
    const res = await call(r.method, path, bodyFor(r));
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('unauthorized');
    expect(await tableSnapshot()).toEqual(before);
  });

  it.each(FLAWS)('answers 401 for a token with this flaw: %s, and changes nothing', async (flaw) => {
    const res = await call(r.method, path, {
      ...bodyFor(r),
      headers: { authorization: authHeaders.headers[flaw] },
    });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('unauthorized');
    expect(await tableSnapshot()).toEqual(before);
  });

  const weaker = weakerRoles(r.role);
  if (weaker.length > 0) {
    it.each(weaker)(`answers 403 to the role %s (needs ${r.role}) and changes nothing`, async (role) => {
      const res = await call(r.method, path, { ...bodyFor(r), token: tokens[role] });
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe('forbidden');
      expect(await tableSnapshot()).toEqual(before);
    });
  }

  // Proves the refusals above are not the route refusing everyone. Only requests without effects:
  // a read, or a call whose input the route rejects after the role check (422).
  const badPath = invalidPath(r);
  const badBody = invalidBody(r);
  if (r.method === 'GET') {
    it(`lets the role ${r.role} through`, async () => {
      const res = await call(r.method, path, { token: tokens[r.role as UserRole] });
      expect([401, 403]).not.toContain(res.status);
    });
  } else if (badPath !== undefined || badBody !== undefined) {
    it(`lets the role ${r.role} through to input validation`, async () => {
      const res = await call(r.method, badPath ?? path, {
        token: tokens[r.role as UserRole],
        ...(badBody !== undefined
          ? { rawBody: badBody, headers: { 'content-type': 'application/json' } }
          : bodyFor(r)),
      });
      expect(res.status).toBe(422);
      expect(await tableSnapshot()).toEqual(before);
    });
  }
});

describe('the authorization header', () => {
  it('takes the Bearer scheme in any case, and nothing else', async () => {
    const { token } = await userWithRole('viewer');
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const res = await callRoute(meRoute, { headers: { authorization: `${scheme} ${token}` } });
      expect(res.status, scheme).toBe(200);
    }
    for (const header of [`Basic ${token}`, `Bearer${token}`, token, `Token ${token}`]) {
      const res = await callRoute(meRoute, { headers: { authorization: header } });
      expect(res.status, header.slice(0, 8)).toBe(401);
    }
  });
});
