import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ddb, tableName } from '../../shared/platform/storage/client';
import { MIGRATIONS, runPendingMigrations } from '../../shared/app/migrations';
import type { Migration } from '../../shared/platform/storage/migrations';
import { peerStatePartition, peerStateSortKey } from '../../shared/peers/peer-state-store';
import { userWithRole, callRoute } from '../support/api';
import { listPeersRoute } from '../../shared/peers/routes';
import { syncObjects } from '../support/peeringdb';
import { KEYS } from '../../shared/platform/storage/keys';
import { itemIdOfNumber } from '../../shared/platform/storage/numbers';
import { routersRepository, type StoredRouter } from '../../shared/routers/routers-store';
import {
  sessionsRepository,
  StaleSessionError,
  type StoredSession,
} from '../../shared/sessions/sessions-store';
import {
  RequestChangedError,
  requestsRepository,
  type StoredRequest,
} from '../../shared/requests/requests-store';

const OBJECTS = {
  ix: [{ id: 1, name: 'Migration IX' }],
  ixlan: [{ id: 1, ix_id: 1 }],
  net: [
    { id: 1, asn: 64701, name: 'Alpha Net' },
    { id: 2, asn: 64702, name: 'Bravo Net' },
    { id: 3, asn: 64703, name: 'Charlie Net' },
  ],
  netixlan: [
    { id: 11, net_id: 1, ix_id: 1, asn: 64701, ipaddr4: '192.0.2.1' },
    { id: 12, net_id: 2, ix_id: 1, asn: 64702, ipaddr4: '192.0.2.2' },
    { id: 13, net_id: 3, ix_id: 1, asn: 64703, ipaddr4: '192.0.2.3' },
  ],
};

/** A peer state as the version before the member-order listing stored it: no gsi3 attributes. */
async function putOldStyleState(participantId: number, status: string): Promise<void> {
  await ddb().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        pk: peerStatePartition(1),
        sk: peerStateSortKey(participantId),
        entity: 'peer-state',
        public_id: 1,
        participant_id: participantId,
        request_status: status,
        request_status_time: '2026-01-01T00:00:00.000Z',
        modified: '2026-01-01T00:00:00.000Z',
      },
    }),
  );
}

let viewer: string;
const statuses = async () => {
  const res = await callRoute(listPeersRoute, {
    token: viewer,
    params: { public_id: 1 },
    query: { limit: 10 },
  });
  expect(res.status).toBe(200);
  return Object.fromEntries(
    (res.json.data as { name: string; request_status: string }[]).map((p) => [p.name, p.request_status]),
  );
};
const peerStateMigration = MIGRATIONS.find((m) => m.name === 'peer-state-member-order')!;

beforeAll(async () => {
  await syncObjects(OBJECTS);
  viewer = (await userWithRole('viewer')).token;
});

describe('stored-data migrations', () => {
  it('gives peer states stored before the member-order listing their place, so pages show them', async () => {
    await putOldStyleState(2, 'sent');
    // Without its place in member order a page of peers cannot see it: the reason for the migration.
    expect((await statuses())['Bravo Net']).toBe('none');

    expect(await peerStateMigration.run()).toBe(1);
    expect(await statuses()).toEqual({ 'Alpha Net': 'none', 'Bravo Net': 'sent', 'Charlie Net': 'none' });
    // Done once: a second run finds nothing left to change.
    expect(await peerStateMigration.run()).toBe(0);
  });

  it('runs a pending migration once and records it', async () => {
    let runs = 0;
    const migration: Migration = {
      name: `test-once-${crypto.randomUUID()}`,
      run: async () => {
        runs += 1;
        return 7;
      },
    };
    expect(await runPendingMigrations([migration])).toEqual([{ name: migration.name, changed: 7 }]);
    expect(await runPendingMigrations([migration])).toEqual([]);
    expect(runs).toBe(1);
    const record = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: { pk: `MIGRATION#${migration.name}`, sk: 'MIGRATION' } }),
    );
    expect(record.Item).toMatchObject({ entity: 'migration', changed: 7 });
  });

  it('a failed migration is not recorded and runs again next time', async () => {
    let runs = 0;
    const migration: Migration = {
      name: `test-failing-${crypto.randomUUID()}`,
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('table busy');
        return 0;
      },
    };
    await expect(runPendingMigrations([migration])).rejects.toThrow('table busy');
    expect(await runPendingMigrations([migration])).toEqual([{ name: migration.name, changed: 0 }]);
    expect(runs).toBe(2);
  });

  it('the PeeringDB sync runs the pending migrations before it syncs', async () => {
    await putOldStyleState(3, 'accepted');
    await ddb().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: { pk: `MIGRATION#${peerStateMigration.name}`, sk: 'MIGRATION' },
      }),
    );
    expect((await statuses())['Charlie Net']).toBe('none');
    await syncObjects(OBJECTS, { mode: 'incremental' });
    expect((await statuses())['Charlie Net']).toBe('accepted');
  });
});

describe('numbering what was stored before numbers', () => {
  const NUMBERING = ['router-numbers', 'session-numbers', 'request-numbers'];
  const numbering = MIGRATIONS.filter((m) => NUMBERING.includes(m.name));

  /** Takes `number` off a stored item, as the version before numbers stored it. */
  async function unnumber(key: { pk: string; sk: string }) {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'REMOVE #n',
        ExpressionAttributeNames: { '#n': 'number' },
      }),
    );
  }

  function oldRouter(hostname: string, created: string): StoredRouter {
    return {
      id: crypto.randomUUID(),
      number: null,
      hostname,
      platform: 'frr',
      asn: 64500,
      router_id: '192.0.2.254',
      mgmt_address: null,
      created,
      modified: created,
      version: 1,
      session_count: 0,
    };
  }

  function oldSession(router: StoredRouter, peerIp: string, created: string): StoredSession {
    return {
      id: crypto.randomUUID(),
      number: null,
      version: 1,
      source_asn: 64500,
      source_ipaddr: null,
      resource_id: router.id,
      resource_name: router.hostname,
      peer_asn: 64701,
      peer_name: 'Alpha Net',
      peer_participant_id: null,
      peer_ipaddr: peerIp,
      peer_hostname: null,
      peer_group: null,
      public_id: null,
      public_name: null,
      ip_type: 'ipv4',
      type: 'Peer',
      state: 'not configured',
      prfx_max: null,
      prfx_received: null,
      password_ciphertext: null,
      note: null,
      created,
      modified: created,
    };
  }

  function oldRequest(participantId: number, created: string): StoredRequest {
    return {
      id: crypto.randomUUID(),
      number: null,
      public_ids: [1],
      source_participant_id: null,
      source_asn: 64500,
      peer_participant_id: participantId,
      peer_asn: 64700 + participantId,
      peer_name: 'Alpha Net',
      template: 'default',
      email_type: 'text',
      email_from: 'ops@example.net',
      reply_to: [],
      email_to: 'peering@example.org',
      cc: [],
      bcc: [],
      subject: 'Peering',
      body: 'Hello',
      html_body: null,
      status: 'sent',
      ses_message_id: null,
      error: null,
      note: null,
      created,
      modified: created,
      user: 'ops@example.net',
    };
  }

  it('numbers the routers, sessions and requests stored before, once, oldest first', async () => {
    // Host name order (the routers' listing) is not creation order: numbers follow creation.
    const younger = oldRouter(`a-${crypto.randomUUID().slice(0, 8)}.example`, '2025-03-01T00:00:00.000Z');
    const older = oldRouter(`b-${crypto.randomUUID().slice(0, 8)}.example`, '2024-03-01T00:00:00.000Z');
    const sessions = [
      oldSession(younger, '198.51.100.2', '2025-05-01T00:00:00.000Z'),
      oldSession(younger, '198.51.100.1', '2025-04-01T00:00:00.000Z'),
    ];
    const requests = [oldRequest(2, '2025-07-01T00:00:00.000Z'), oldRequest(3, '2025-06-01T00:00:00.000Z')];
    for (const r of [younger, older]) {
      await routersRepository.create(r);
      await unnumber(KEYS.router.key({ router: r.id }));
    }
    for (const s of sessions) {
      await sessionsRepository.create(s, []);
      await unnumber(KEYS.session.key({ session: s.id }));
    }
    for (const q of requests) {
      const guard = { request_id: null, pending_until: '', claimed_until: '', version: 1 };
      await requestsRepository.saveAfterSend(q, guard, []);
      await unnumber(KEYS.request.key({ request: q.id }));
    }
    for (const name of NUMBERING) {
      await ddb().send(
        new DeleteCommand({ TableName: tableName(), Key: { pk: `MIGRATION#${name}`, sk: 'MIGRATION' } }),
      );
    }
    expect((await routersRepository.get(older.id))?.number).toBeNull();
    // Read before the migration, written after it.
    const staleRouter = (await routersRepository.get(older.id))!;
    const staleRequest = (await requestsRepository.get(requests[0]!.id))!;
    const staleSession = (await sessionsRepository.get(sessions[0]!.id))!;

    const ran = await runPendingMigrations(numbering);
    expect(ran).toEqual(NUMBERING.map((name) => ({ name, changed: 2 })));

    const olderNumber = (await routersRepository.get(older.id))!.number!;
    const youngerNumber = (await routersRepository.get(younger.id))!.number!;
    expect(olderNumber).toBeLessThan(youngerNumber);
    const [second, first] = await Promise.all(sessions.map((s) => sessionsRepository.get(s.id)));
    expect(first!.number!).toBeLessThan(second!.number!);
    // A change based on the session as read before its number is stale now.
    expect(first!.version).toBe(2);
    const [laterRequest, earlierRequest] = await Promise.all(
      requests.map((q) => requestsRepository.get(q.id)),
    );
    expect(earlierRequest!.number!).toBeLessThan(laterRequest!.number!);

    // A change based on what was read before the numbers keeps them, or fails as made meanwhile.
    await routersRepository.update(staleRouter, { ...staleRouter, asn: 64510, version: 2 });
    expect((await routersRepository.get(older.id))!).toMatchObject({ asn: 64510, number: olderNumber });
    await expect(
      requestsRepository.update({ ...staleRequest, status: 'accepted' }, 'sent', []),
    ).rejects.toThrow(RequestChangedError);
    await expect(
      sessionsRepository.update(staleSession, { ...staleSession, note: 'stale', version: 2 }, []),
    ).rejects.toThrow(StaleSessionError);
    expect((await requestsRepository.get(requests[0]!.id))!.number).toBe(laterRequest!.number);
    expect((await sessionsRepository.get(sessions[0]!.id))!.number).toBe(second!.number);

    // The numbers find the items.
    expect(await itemIdOfNumber('router', youngerNumber)).toBe(younger.id);
    expect(await itemIdOfNumber('session', first!.number!)).toBe(first!.id);
    expect(await itemIdOfNumber('request', laterRequest!.number!)).toBe(laterRequest!.id);

    // Once: recorded as done, and a second run of the same work changes nothing.
    expect(await runPendingMigrations(numbering)).toEqual([]);
    for (const m of numbering) expect(await m.run()).toBe(0);
    expect((await routersRepository.get(older.id))!.number).toBe(olderNumber);
  });
});
