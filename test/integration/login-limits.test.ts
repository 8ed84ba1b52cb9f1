import { describe, expect, it } from 'vitest';
import { TooManyRequestsError, UnauthorizedError } from '../../shared/platform/errors';
import { sourceAddress } from '../../shared/users/login-limits';
import { login } from '../../shared/users/users';
import { dispatch, userWithRole } from '../support/api';

/** One login through the dispatcher, from `sourceIp`, as API Gateway would pass it on. */
async function attempt(email: string, password: string, sourceIp: string) {
  const res = await dispatch({
    method: 'POST',
    url: '/users/post_login',
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(JSON.stringify({ email, password })),
    sourceIp,
  });
  return { status: res.status, retryAfter: Number(res.headers['retry-after'] ?? NaN), body: res.body };
}

const statusCounts = (results: { status: number }[]) => {
  const counts: Record<number, number> = {};
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
};

let address = 0;
/** A fresh documentation address (192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24, in turn). */
function freshIp(): string {
  address += 1;
  const nets = ['192.0.2', '198.51.100', '203.0.113'];
  return `${nets[address % 3]}.${Math.floor(address / 3) % 250}`;
}

const WINDOW = 15 * 60;
/** Each password check is a deliberate scrypt: dozens of them need more than the default time. */
const SLOW = 180_000;

describe('login guesses are counted before the password is checked', () => {
  it(
    'lets at most ten of 40 parallel wrong guesses reach the password check',
    async () => {
      const { email } = await userWithRole('viewer');
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => attempt(email, `wrong ${i}`, freshIp())),
      );
      const counts = statusCounts(results);
      expect(counts[401] ?? 0).toBeGreaterThan(0);
      expect(counts[401] ?? 0).toBeLessThanOrEqual(10);
      expect((counts[401] ?? 0) + (counts[429] ?? 0)).toBe(40);
      for (const r of results.filter((x) => x.status === 429)) {
        expect(r.retryAfter).toBeGreaterThan(0);
        expect(r.retryAfter).toBeLessThanOrEqual(WINDOW);
      }
    },
    SLOW,
  );

  it(
    'does not let the right password in beside 29 parallel wrong ones beyond the budget',
    async () => {
      const { email, password } = await userWithRole('viewer');
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => attempt(email, i === 29 ? password : `wrong ${i}`, freshIp())),
      );
      const checked = results.filter((r) => r.status !== 429);
      expect(checked.length).toBeLessThanOrEqual(10);
      expect(results.filter((r) => r.status === 401).length).toBeLessThanOrEqual(10);
      // Whichever way the right one went, the budget is spent now: the right password is refused too.
      const after = await attempt(email, password, freshIp());
      if (results[29]?.status === 200) {
        expect([200, 429]).toContain(after.status);
      } else {
        expect(results[29]?.status).toBe(429);
        expect(after.status).toBe(429);
      }
    },
    SLOW,
  );

  it(
    'answers a spent budget the same for an account and an unknown email',
    async () => {
      const { email } = await userWithRole('viewer');
      const unknown = `nobody-${Math.random().toString(36).slice(2)}@example.net`;
      const spend = (who: string) =>
        Promise.all(Array.from({ length: 11 }, (_, i) => attempt(who, `wrong ${i}`, freshIp())));
      const [mine, theirs] = await Promise.all([spend(email), spend(unknown)]);
      expect(statusCounts(mine)).toEqual(statusCounts(theirs));
      const a = await attempt(email, 'wrong again', freshIp());
      const b = await attempt(unknown, 'wrong again', freshIp());
      expect([a.status, b.status]).toEqual([429, 429]);
      expect(JSON.parse(a.body)).toEqual(JSON.parse(b.body));
    },
    SLOW,
  );
});

describe('strangers cannot lock the owner out', () => {
  it(
    'lets the owner in from an address it logged in from while strangers spent the budget',
    async () => {
      const { email, password } = await userWithRole('admin');
      const home = freshIp();
      expect((await attempt(email, password, home)).status).toBe(200);

      // One after another, so that each failure is counted before the next guess.
      const strangers = [];
      for (let i = 0; i < 12; i++) strangers.push(await attempt(email, `guess ${i}`, freshIp()));
      // The owner's first login, from an address then unknown, was one of the window's ten checks.
      expect(statusCounts(strangers)).toEqual({ 401: 9, 429: 3 });
      // A new address shares the strangers' budget...
      const elsewhere = await attempt(email, password, freshIp());
      expect(elsewhere.status).toBe(429);
      // ...the owner's own address does not.
      const owner = await attempt(email, password, home);
      expect(owner.status).toBe(200);
    },
    SLOW,
  );

  it(
    'slows a known address by its own failures only, briefly, and a success ends the delay',
    async () => {
      const { email, password } = await userWithRole('operator');
      const home = freshIp();
      const t0 = Date.now() + 86_400_000;
      const at = (seconds: number) => new Date(t0 + seconds * 1000);
      await login(email, password, { sourceIp: home, now: at(0) });

      const retryAfter = async (seconds: number, pw: string) => {
        const err = await login(email, pw, { sourceIp: home, now: at(seconds) }).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (err instanceof TooManyRequestsError) return err.retryAfterSeconds;
        expect(err).toBeInstanceOf(UnauthorizedError);
        return 0;
      };
      // Each failure makes the next guess wait longer: 1, 2, 4, 8, 16, then 30 seconds at most.
      let t = 10;
      const delays: number[] = [];
      for (let i = 0; i < 7; i++) {
        expect(await retryAfter(t, 'wrong')).toBe(0);
        const delay = (await retryAfter(t, password)) ?? 0;
        delays.push(delay);
        t += delay;
      }
      expect(delays).toEqual([1, 2, 4, 8, 16, 30, 30]);
      // The right password after the delay gets in and the delay is over.
      await expect(login(email, password, { sourceIp: home, now: at(t) })).resolves.toBeDefined();
      expect(await retryAfter(t, 'wrong')).toBe(0);
      expect(await retryAfter(t, 'wrong')).toBe(1);
    },
    SLOW,
  );

  it(
    'still bounds a known address to its own ten guesses per window',
    async () => {
      const { email, password } = await userWithRole('viewer');
      const office = freshIp();
      expect((await attempt(email, password, office)).status).toBe(200);
      const t0 = Date.now() + 3600_000;
      let refused: unknown;
      // Wait out each delay (with an injected clock): the eleventh guess in the window is refused.
      let t = t0;
      for (let i = 0; i < 11 && !refused; i++) {
        const outcome = await login(email, 'wrong', { sourceIp: office, now: new Date(t) }).then(
          () => undefined,
          (e: unknown) => e,
        );
        if (outcome instanceof TooManyRequestsError) refused = outcome;
        t += 31_000;
      }
      expect(refused).toBeInstanceOf(TooManyRequestsError);
      expect((refused as TooManyRequestsError).retryAfterSeconds).toBeGreaterThan(30);
    },
    SLOW,
  );
});

describe('the current password of PATCH /users/me', () => {
  /** A change of the own password with `current` as the current one, from `sourceIp`. */
  const change = (token: string, current: string, sourceIp: string) =>
    dispatch({
      method: 'PATCH',
      url: '/users/me',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: Buffer.from(JSON.stringify({ password: 'a new password 12345', current_password: current })),
      sourceIp,
    });

  it(
    'spends the login budget: a stolen token cannot try passwords beyond it, and nothing changes',
    async () => {
      const { email, password, token } = await userWithRole('viewer');
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await change(token, `wrong ${i}`, freshIp())).status);
      expect(statuses.filter((s) => s === 403).length).toBe(10);
      expect(statuses.slice(10)).toEqual([429, 429]);
      // The right current password is refused too while the budget is spent, and login with it as well.
      const right = await change(token, password, freshIp());
      expect(right.status).toBe(429);
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
      expect((await attempt(email, password, freshIp())).status).toBe(429);
      // Once the window is over, the old password still works: none of the refused changes took.
      const later = new Date(Date.now() + (WINDOW + 60) * 1000);
      await expect(login(email, password, { sourceIp: freshIp(), now: later })).resolves.toMatchObject({
        token_type: 'Bearer',
      });
    },
    SLOW,
  );
});

describe('one address across accounts', () => {
  it(
    'has fifty guesses per window whatever emails it tries, and known addresses keep theirs',
    async () => {
      const stuffer = freshIp();
      const owner = await userWithRole('viewer');
      // The owner once logged in from the same address (a shared exit, say).
      expect((await attempt(owner.email, owner.password, stuffer)).status).toBe(200);

      const emails = Array.from(
        { length: 6 },
        (_, i) => `stuffed-${i}-${Math.random().toString(36).slice(2)}@example.net`,
      );
      const results = await Promise.all(
        emails.flatMap((email) => Array.from({ length: 9 }, (_, i) => attempt(email, `pw ${i}`, stuffer))),
      );
      const counts = statusCounts(results);
      expect(counts[401] ?? 0).toBeLessThanOrEqual(50);
      expect(counts[429] ?? 0).toBeGreaterThanOrEqual(4);

      const fresh = `fresh-${Math.random().toString(36).slice(2)}@example.net`;
      expect((await attempt(fresh, 'pw', stuffer)).status).toBe(429);
      expect((await attempt(fresh, 'pw', freshIp())).status).toBe(401);
      expect((await attempt(owner.email, owner.password, stuffer)).status).toBe(200);
    },
    SLOW,
  );
});

describe('the window', () => {
  it(
    'forgets the guesses when it ends',
    async () => {
      const { email, password } = await userWithRole('viewer');
      const t0 = Date.now() + 86_400_000;
      const at = (seconds: number) => new Date(t0 + seconds * 1000);
      for (let i = 0; i < 10; i++) {
        await expect(login(email, `wrong ${i}`, { sourceIp: freshIp(), now: at(i) })).rejects.toBeInstanceOf(
          UnauthorizedError,
        );
      }
      const refused = await login(email, password, { sourceIp: freshIp(), now: at(WINDOW - 1) }).catch(
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(TooManyRequestsError);
      expect((refused as TooManyRequestsError).retryAfterSeconds).toBe(1);
      await expect(login(email, password, { sourceIp: freshIp(), now: at(WINDOW) })).resolves.toMatchObject({
        token_type: 'Bearer',
      });
    },
    SLOW,
  );
});

describe('the address a budget counts', () => {
  it('is an IPv4 address as is and an IPv6 host by its /64, however spelt', () => {
    expect(sourceAddress('192.0.2.7')).toBe('192.0.2.7');
    expect(sourceAddress('::ffff:192.0.2.7')).toBe('192.0.2.7');
    const a = sourceAddress('2001:db8:1:2:aaaa::1');
    expect(a).toBe('2001:db8:1:2::/64');
    expect(sourceAddress('2001:0DB8:0001:0002:ffff:ffff:ffff:fffe')).toBe(a);
    expect(sourceAddress('2001:db8:1:2::')).toBe(a);
    expect(sourceAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceAddress('2001:db8:1:3::1')).not.toBe(a);
    expect(sourceAddress('not an address')).toBeUndefined();
  });
});
