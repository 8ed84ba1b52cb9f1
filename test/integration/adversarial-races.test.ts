import { beforeAll, describe, expect, it } from 'vitest';
import { listUsersRoute, updateUserRoute, deleteUserRoute } from '../../shared/users/routes';
import { getSettingsRoute, patchSettingsRoute } from '../../shared/settings/routes';
import { getSessionRoute, updateSessionRoute } from '../../shared/sessions/routes';
import { getRouterRoute, updateRouterRoute } from '../../shared/routers/routes';
import { getPeerRoute, updatePeerRoute } from '../../shared/peers/routes';
import { listRequestsRoute, sendRequestRoute } from '../../shared/requests/routes';
import { call, callRoute, userWithRole } from '../support/api';
import { capturedMail } from '../support/mail';
import { type DataSet, SECOND_PEER, seedDataSet } from '../support/adversarial-data';

/**
 * Races, bounded by counts rather than timings: many calls started together, and what must hold
 * whatever order the engine serves them in.
 */
const SENDER = `races-${Math.random().toString(36).slice(2, 8)}@peerflow.example`;
let data: DataSet;

beforeAll(async () => {
  data = await seedDataSet({ sender: SENDER, sendRatePerSecond: 100 });
}, 120_000);

function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

describe('parallel login guesses', () => {
  it('evaluates at most ten of forty wrong guesses at one account; the rest get 429', async () => {
    const target = await userWithRole('viewer');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call('POST', '/users/post_login', { body: { email: target.email, password: `wrong guess ${i}` } }),
      ),
    );
    const counts = tally(answers.map((a) => a.status));
    expect(Object.keys(counts).map(Number).sort(), JSON.stringify(counts)).toEqual(
      counts[401] ? [401, 429] : [429],
    );
    expect(counts[401] ?? 0, JSON.stringify(counts)).toBeLessThanOrEqual(10);
    for (const a of answers.filter((x) => x.status === 429))
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
  }, 180_000);

  it('lets no password in once the guesses of the window are spent, whatever the order', async () => {
    const target = await userWithRole('viewer');
    const answers = await Promise.all([
      ...Array.from({ length: 29 }, (_, i) =>
        call('POST', '/users/post_login', { body: { email: target.email, password: `wrong guess ${i}` } }),
      ),
      call('POST', '/users/post_login', { body: { email: target.email, password: target.password } }),
    ]);
    const counts = tally(answers.map((a) => a.status));
    // At most ten guesses are evaluated, the right one among them or not.
    expect((counts[401] ?? 0) + (counts[200] ?? 0), JSON.stringify(counts)).toBeLessThanOrEqual(10);
  }, 180_000);
});

describe('the last admin', () => {
  async function enabledAdmins(token: string): Promise<number> {
    const users: { role: string; disabled: boolean }[] = [];
    let cursor: string | undefined;
    do {
      const page = await callRoute(listUsersRoute, {
        token,
        query: { limit: 100, ...(cursor ? { cursor } : {}) },
      });
      expect(page.status).toBe(200);
      users.push(...page.json.data);
      cursor = page.json.next_cursor ?? undefined;
    } while (cursor);
    return users.filter((u) => u.role === 'admin' && !u.disabled).length;
  }

  it('survives two admins removing each other at the same moment, five times over', async () => {
    // This table's admins: the data set's two; from here on exactly two at the start of each round.
    const survivor = data.admin;
    await callRoute(updateUserRoute, {
      token: survivor.token,
      params: { id: data.victims[0]!.id },
      body: { role: 'viewer' },
    });
    const moves = [
      { role: 'viewer' as const },
      { disabled: true },
      { role: 'operator' as const },
      'delete' as const,
      { disabled: true },
    ];
    let current = survivor;
    for (const [round, move] of moves.entries()) {
      const other = await userWithRole('admin');
      expect(await enabledAdmins(current.token)).toBe(2);
      const act = (by: { token: string }, target: { user: { id: string } }) =>
        move === 'delete'
          ? callRoute(deleteUserRoute, { token: by.token, params: { id: target.user.id } })
          : callRoute(updateUserRoute, { token: by.token, params: { id: target.user.id }, body: move });
      const [a, b] = await Promise.all([act(current, other), act(other, current)]);
      const done = move === 'delete' ? 204 : 200;
      // Exactly one wins. The other is refused: 409 when it reached the last-admin check, or 401
      // when the winner's change had already ended its token (a role change ends the target's tokens).
      const [winner, loser] = a.status === done ? [a, b] : [b, a];
      expect(winner.status, `round ${round}: ${JSON.stringify(move)}`).toBe(done);
      expect([401, 409], `round ${round}: ${JSON.stringify(move)}`).toContain(loser.status);
      expect(await enabledAdmins(a.status === done ? current.token : other.token)).toBe(1);
      current = a.status === done ? current : other;
    }
  });
});

describe('versionless changes made at the same moment', () => {
  it('applies every PATCH /settings: each field set by each call is there at the end', async () => {
    // An admin of its own: the last-admin races may have taken the data set's admin's role.
    const { token } = await userWithRole('admin');
    const changes = [
      { company_name: 'Concurrent Networks' },
      { irr_as_set: 'AS-CONCURRENT' },
      { email_reply_to: 'noc@concurrent.example' },
      { resend_window_days: 21 },
      { email_cc: ['archive@concurrent.example'] },
      { send_rate_per_second: 50 },
    ];
    const answers = await Promise.all(changes.map((body) => callRoute(patchSettingsRoute, { token, body })));
    expect(answers.map((a) => a.status)).toEqual(changes.map(() => 200));
    const after = await callRoute(getSettingsRoute, { token });
    expect(after.json).toMatchObject(Object.assign({}, ...changes));
  });

  it('applies every PATCH /sessions/{id} without a version', async () => {
    const token = data.operator.token;
    const id = data.sessions[0]!;
    const before = await callRoute(getSessionRoute, { token, params: { id } });
    const changes = [
      { note: 'concurrent note' },
      { peer_group: 'concurrent-group' },
      { prfx_max: 123 },
      { peer_hostname: 'peer.concurrent.example' },
      { type: 'Customer' },
      { password: 'concurrent1' },
    ];
    const answers = await Promise.all(
      changes.map((body) => callRoute(updateSessionRoute, { token, params: { id }, body })),
    );
    expect(answers.map((a) => a.status)).toEqual(changes.map(() => 200));
    const after = await callRoute(getSessionRoute, { token, params: { id } });
    const { password: _password, ...visible } = Object.assign({}, ...changes) as Record<string, unknown>;
    expect(after.json).toMatchObject({ ...visible, password_set: true });
    expect(after.json.version).toBe(before.json.version + changes.length);
  });

  it('applies every PATCH /routers/{id} without a version', async () => {
    const token = data.operator.token;
    const id = data.routers[1]!;
    const before = await callRoute(getRouterRoute, { token, params: { id } });
    const changes = [
      { hostname: 'edge2-renamed.example.net' },
      { asn: 64501 },
      { mgmt_address: '192.0.2.20' },
      { router_id: '192.0.2.9' },
    ];
    const answers = await Promise.all(
      changes.map((body) => callRoute(updateRouterRoute, { token, params: { id }, body })),
    );
    expect(answers.map((a) => a.status)).toEqual(changes.map(() => 200));
    const after = await callRoute(getRouterRoute, { token, params: { id } });
    expect(after.json).toMatchObject(Object.assign({}, ...changes));
    expect(after.json.version).toBe(before.json.version + changes.length);
  });

  it("applies every PATCH of a peer's state at the same moment", async () => {
    const token = data.operator.token;
    const params = { public_id: 1, participant_id: SECOND_PEER };
    const changes = [
      { notes_private: 'talked at the meeting' },
      { qualification_override: { qualified: true, reason: 'strategic' } },
      { preferred_contact_id: 3 },
      { hidden_until: '2030-01-01T00:00:00.000Z' },
    ];
    const answers = await Promise.all(
      changes.map((body) => callRoute(updatePeerRoute, { token, params, body })),
    );
    expect(answers.map((a) => a.status)).toEqual(changes.map(() => 200));
    const after = await callRoute(getPeerRoute, { token, params });
    expect(after.status).toBe(200);
    expect(after.json).toMatchObject({
      notes_private: 'talked at the meeting',
      preferred_contact_id: 3,
      hidden_until: '2030-01-01T00:00:00.000Z',
    });
    expect(JSON.stringify(after.json)).toContain('strategic');
  });
});

describe('sends to one peer at the same moment', () => {
  it('stores one request and sends one mail out of five parallel sends', async () => {
    const token = data.operator.token;
    const since = new Date().toISOString();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        callRoute(sendRequestRoute, { token, body: { peer_participant_id: SECOND_PEER } }),
      ),
    );
    const counts = tally(answers.map((a) => a.status));
    expect(counts[201], JSON.stringify(counts)).toBe(1);
    expect(answers.filter((a) => a.status !== 201).every((a) => a.status === 409 || a.status === 429)).toBe(
      true,
    );
    const stored = await callRoute(listRequestsRoute, {
      token,
      query: { peer_participant_id: SECOND_PEER },
    });
    expect(stored.json.data.filter((r: { created: string }) => r.created >= since)).toHaveLength(1);
    const mail = await capturedMail(
      (m) => m.from === SENDER && m.destination.to.includes('peering@amazon.example'),
    );
    expect(mail).toHaveLength(1);
  });
});
