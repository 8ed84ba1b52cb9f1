import { createHmac } from 'node:crypto';
import { normalizeIp } from '../kernel';
import { loadSigningKey } from '../platform/auth/keys';
import { TooManyRequestsError } from '../platform/errors';
import {
  accountBudget,
  addressBudget,
  type BudgetKey,
  type BudgetRule,
  knownSourceBudget,
  knownSources,
  type KnownSource,
  loginBudgets,
  type Reservation,
} from './login-limits-store';

/**
 * How many password guesses a login may cost, and from where. Every guess is reserved before the
 * password is checked; a right guess gives its reservation back, a wrong one keeps it.
 *
 * - An address the account never logged in from shares the account's budget with every other such
 *   address: 10 guesses per 15 minutes, whatever the concurrency.
 * - An address the account logged in from in the last 30 days (a known source) has its own budget
 *   of 10 per 15 minutes for that account and is slowed by its own failures (1, 2, 4 ... 30 seconds),
 *   never by other addresses': strangers cannot lock the owner out.
 * - One address has 50 guesses per 15 minutes across all accounts (credential stuffing).
 */
export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const ACCOUNT_GUESSES = 10;
export const KNOWN_SOURCE_GUESSES = 10;
export const ADDRESS_GUESSES = 50;
export const KNOWN_SOURCE_DAYS = 30;
export const KNOWN_SOURCES_KEPT = 20;
export const MAX_DELAY_SECONDS = 30;

const ACCOUNT_RULE: BudgetRule = { max: ACCOUNT_GUESSES, windowSeconds: LOGIN_WINDOW_SECONDS };
const KNOWN_SOURCE_RULE: BudgetRule = { max: KNOWN_SOURCE_GUESSES, windowSeconds: LOGIN_WINDOW_SECONDS };
const ADDRESS_RULE: BudgetRule = { max: ADDRESS_GUESSES, windowSeconds: LOGIN_WINDOW_SECONDS };
const KNOWN_SOURCE_SECONDS = KNOWN_SOURCE_DAYS * 86_400;

/** The delay after this many failures in a row from a known source: 1, 2, 4 ... capped. */
export function delayAfter(failuresInARow: number): number {
  if (failuresInARow <= 0) return 0;
  return Math.min(2 ** (failuresInARow - 1), MAX_DELAY_SECONDS);
}

/**
 * The address a budget counts: IPv4 as is, IPv6 by its /64 (one host holds a whole /64 and can pick
 * any address in it). Undefined for text that is no address.
 */
export function sourceAddress(ip: string): string | undefined {
  const canonical = normalizeIp(ip);
  if (!canonical) return undefined;
  if (!canonical.includes(':')) return canonical;
  const [head = '', tail] = canonical.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  // An IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) is that IPv4 address.
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff') {
    const word = groups.slice(6).map((g) => parseInt(g, 16));
    return word.flatMap((w) => [w >> 8, w & 255]).join('.');
  }
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/**
 * The address as stored: a keyed hash (the key derived from the signing key), so the table never
 * holds the addresses users log in from and a hash cannot be reversed by trying every address.
 */
async function sourceTag(ip: string | undefined): Promise<string | undefined> {
  const address = ip === undefined ? undefined : sourceAddress(ip);
  if (address === undefined) return undefined;
  const key = createHmac('sha256', (await loadSigningKey()).d)
    .update('login source')
    .digest();
  return createHmac('sha256', key).update(address).digest('hex').slice(0, 32);
}

/** A reserved guess: tell it how the password check went. */
export interface Guess {
  failed(): Promise<void>;
  /**
   * The password was right. `remember: false` (a password check outside login) leaves the address
   * unknown to the account if it was: only a login makes an address one the account logs in from.
   */
  succeeded(userId: string, options?: { remember?: boolean }): Promise<void>;
}

const tooMany = (retryAfterSeconds: number) =>
  new TooManyRequestsError('Too many login attempts; try again later', Math.max(1, retryAfterSeconds));

const noDummyUser = '00000000-0000-0000-0000-000000000000';

/**
 * Reserves one guess at `email` from `sourceIp`, or throws a rate-limited error saying when to try
 * again. `userId` is the account the email belongs to, if any: an unknown email costs the same reads
 * and writes as a known one, from an address it never logged in from.
 */
export async function reserveGuess(
  email: string,
  userId: string | undefined,
  sourceIp: string | undefined,
  now: Date,
): Promise<Guess> {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const source = await sourceTag(sourceIp);
  const known = await knownSources.get(userId ?? noDummyUser);
  const isKnown =
    userId !== undefined &&
    source !== undefined &&
    known.sources.some((s) => s.source === source && s.at > nowSeconds - KNOWN_SOURCE_SECONDS);

  const remember = async (id: string, options: { remember?: boolean } = {}) => {
    if (source !== undefined && options.remember !== false) await rememberSource(id, source, nowSeconds);
  };

  if (isKnown) {
    const budget = knownSourceBudget(email, source);
    const reservation = await reserveOrThrow(budget, KNOWN_SOURCE_RULE, nowSeconds);
    return {
      failed: () =>
        loginBudgets.recordFailure(
          budget,
          nowSeconds,
          delayAfter,
          reservation.windowStart + LOGIN_WINDOW_SECONDS,
        ),
      succeeded: async (id, options) => {
        await loginBudgets.release(budget, reservation);
        await loginBudgets.clearFailures(budget);
        await remember(id, options);
      },
    };
  }

  const reserved: [BudgetKey, Reservation][] = [];
  const accountGuess = accountBudget(email);
  try {
    if (source !== undefined) {
      const budget = addressBudget(source);
      reserved.push([budget, await reserveOrThrow(budget, ADDRESS_RULE, nowSeconds)]);
    }
    reserved.push([accountGuess, await reserveOrThrow(accountGuess, ACCOUNT_RULE, nowSeconds)]);
  } catch (err) {
    // A guess refused by one budget never reached the password: the others get theirs back.
    await releaseAll(reserved);
    throw err;
  }
  return {
    failed: async () => {},
    succeeded: async (id, options) => {
      // From an address the account did not know, the right password is one of the account's
      // guesses too, so that at most ten reach the password check in a window, whatever runs beside
      // it; the address is known from now on and has a budget of its own. A caller without an
      // address (a script in this process) gets its guess back.
      await releaseAll(source === undefined ? reserved : reserved.filter(([b]) => b !== accountGuess));
      await remember(id, options);
    },
  };
}

async function reserveOrThrow(budget: BudgetKey, rule: BudgetRule, nowSeconds: number) {
  const result = await loginBudgets.reserve(budget, rule, nowSeconds);
  if ('retryAfterSeconds' in result) throw tooMany(result.retryAfterSeconds);
  return result.reserved;
}

async function releaseAll(reserved: [BudgetKey, Reservation][]) {
  await Promise.all(reserved.map(([budget, reservation]) => loginBudgets.release(budget, reservation)));
}

/** Puts the address first in the user's known sources: the newest 20 of the last 30 days. */
async function rememberSource(userId: string, source: string, nowSeconds: number) {
  for (let round = 0; round < 3; round++) {
    const current = await knownSources.get(userId);
    const next: KnownSource[] = [
      { source, at: nowSeconds },
      ...current.sources.filter((s) => s.source !== source && s.at > nowSeconds - KNOWN_SOURCE_SECONDS),
    ].slice(0, KNOWN_SOURCES_KEPT);
    if (await knownSources.put(userId, next, current.rev, nowSeconds + KNOWN_SOURCE_SECONDS)) return;
  }
}
