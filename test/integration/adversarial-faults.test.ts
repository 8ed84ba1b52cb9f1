import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../shared/platform/config';
import { ddb, resetDdb } from '../../shared/platform/storage/client';
import { resetSes, ses } from '../../shared/platform/email/ses-sender';
import { call, tableSnapshot, type ApiResponse } from '../support/api';
import { type DataSet, PEER_WITH_CONTACTS, SECOND_PEER, seedDataSet } from '../support/adversarial-data';
import { awsError, failCalls, hangCalls, type SentCommand, silentServer } from '../support/sdk-faults';

/**
 * Faults at the SDK clients: DynamoDB throttled, a transaction cancelled, a call that never answers,
 * SES throttled or refusing. Each answers a clear status (503 with Retry-After when the same call may
 * pass in a moment, 502 when the mail service refused), shows nothing internal, and leaves nothing
 * half done.
 */
const SENDER = `faults-${Math.random().toString(36).slice(2, 8)}@peerflow.example`;
const INTERNALS =
  /Exception|Throttling|MessageRejected|TransactionCanceled|ConditionalCheck|node_modules|\n\s+at |injected|TimeoutError/;

let data: DataSet;
let silent: Awaited<ReturnType<typeof silentServer>>;
const removers: (() => void)[] = [];

beforeAll(async () => {
  data = await seedDataSet({ sender: SENDER, sendRatePerSecond: 100 });
  silent = await silentServer();
  // From here each attempt of a hung call ends quickly: clients made again with the short timeout.
  process.env.AWS_REQUEST_TIMEOUT_MS = '600';
  resetConfig();
  resetDdb();
  resetSes();
}, 120_000);

afterEach(() => {
  for (const remove of removers.splice(0)) remove();
});

afterAll(async () => {
  await silent?.close();
});

/** The calls of a store on the table, leaving the authorizer's reads of users alone. */
function tableCall(names: RegExp, touching?: RegExp) {
  return (c: SentCommand) =>
    names.test(c.commandName) && (touching === undefined || touching.test(JSON.stringify(c.input)));
}

function expectCleanRefusal(res: ApiResponse, status: number, retryAfter: boolean) {
  expect(res.status, res.body).toBe(status);
  expect(res.json?.error?.code).toEqual(expect.any(String));
  expect(res.body).not.toMatch(INTERNALS);
  expect(Object.values(res.headers).join('\n')).not.toMatch(INTERNALS);
  if (retryAfter) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

/** The table without the send-rate bucket: a call that reached the mail service has used its place. */
async function snapshotWithoutSendRate() {
  return (await tableSnapshot()).filter((item) => !item.includes('"pk":"SENDRATE"'));
}

/**
 * The table without the number counters: a create takes its number before its transaction, and a
 * number once handed out is never given again, so a create that fails leaves a gap in the numbers.
 */
async function snapshotWithoutCounters() {
  return (await tableSnapshot()).filter((item) => !item.includes('"entity":"number-counter"'));
}

describe('DynamoDB faults', () => {
  it('answers 503 with Retry-After when a list is throttled', async () => {
    removers.push(
      failCalls(ddb(), tableCall(/Query/, /SESSIONS/), () =>
        awsError('ThrottlingException', { throttling: true }),
      ),
    );
    const res = await call('GET', '/sessions', { token: data.viewer.token });
    expectCleanRefusal(res, 503, true);
  });

  it('answers 503 and stores nothing when a create runs out of throughput', async () => {
    removers.push(
      failCalls(ddb(), tableCall(/TransactWrite|Put/, /ROUTER/), () =>
        awsError('ProvisionedThroughputExceededException', { throttling: true }),
      ),
    );
    const before = await snapshotWithoutCounters();
    const res = await call('POST', '/routers', {
      token: data.operator.token,
      body: { hostname: 'throttled.example.net', platform: 'bird2', asn: 64500, router_id: '192.0.2.5' },
    });
    expectCleanRefusal(res, 503, true);
    expect(await snapshotWithoutCounters()).toEqual(before);
  });

  it('answers 503 and leaves no session, log line or audit entry when the create transaction is throttled', async () => {
    removers.push(
      failCalls(ddb(), tableCall(/TransactWrite/, /SESSION/), () =>
        awsError('TransactionCanceledException', { reasons: ['None', 'None', 'ThrottlingError', 'None'] }),
      ),
    );
    const before = await snapshotWithoutCounters();
    const res = await call('POST', '/sessions', {
      token: data.operator.token,
      body: { resource_id: data.routers[1]!, peer_ipaddr: '206.126.236.70' },
    });
    expectCleanRefusal(res, 503, true);
    expect(await snapshotWithoutCounters()).toEqual(before);
  });

  it('answers 409 when a transaction is cancelled by a condition nobody expected', async () => {
    removers.push(
      failCalls(ddb(), tableCall(/TransactWrite/, /SESSION/), () =>
        awsError('TransactionCanceledException', { reasons: ['ConditionalCheckFailed', 'None'] }),
      ),
    );
    const before = await snapshotWithoutCounters();
    const res = await call('POST', '/sessions', {
      token: data.operator.token,
      body: { resource_id: data.routers[1]!, peer_ipaddr: '206.126.236.70' },
    });
    expect([409, 422]).toContain(res.status);
    expectCleanRefusal(res, res.status, false);
    expect(await snapshotWithoutCounters()).toEqual(before);
  });

  it('answers 503 after the SDK gave up on a write that never got an answer, and changes nothing', async () => {
    removers.push(hangCalls(ddb(), tableCall(/Put|Update|TransactWrite/, /SETTINGS/), silent.port));
    const before = await snapshotWithoutCounters();
    const res = await call('PATCH', '/settings', {
      token: data.admin.token,
      body: { company_name: 'Hung Networks' },
    });
    expectCleanRefusal(res, 503, true);
    expect(await snapshotWithoutCounters()).toEqual(before);
  }, 60_000);
});

describe('SES faults', () => {
  const toAkamai = (c: SentCommand) => JSON.stringify(c.input).includes('akamai.example');

  it('answers 503 with Retry-After when SES throttles a free-form mail, and logs nothing on the peer', async () => {
    removers.push(failCalls(ses(), toAkamai, () => awsError('Throttling', { throttling: true })));
    const before = await snapshotWithoutSendRate();
    const res = await call('POST', '/emails', {
      token: data.operator.token,
      body: { peer_participant_id: PEER_WITH_CONTACTS, subject: 'Hello', text: 'About our sessions' },
    });
    expectCleanRefusal(res, 503, true);
    expect(await snapshotWithoutSendRate()).toEqual(before);
  });

  it('answers 502 when SES refuses a free-form mail, with its reason and without its error names', async () => {
    removers.push(
      failCalls(ses(), toAkamai, () => {
        const err = awsError('MessageRejected');
        err.message = 'Email address is not verified.';
        return err;
      }),
    );
    const res = await call('POST', '/emails', {
      token: data.operator.token,
      body: { peer_participant_id: PEER_WITH_CONTACTS, subject: 'Hello', text: 'About our sessions' },
    });
    expectCleanRefusal(res, 502, false);
    expect(res.json.error.message).toContain('Email address is not verified');
  });

  it('stores a request SES throttled as failed, with a clean reason, and sends it on retry', async () => {
    const toAmazon = (c: SentCommand) => JSON.stringify(c.input).includes('amazon.example');
    const remove = failCalls(ses(), toAmazon, () => awsError('Throttling', { throttling: true }));
    removers.push(remove);
    const res = await call('POST', '/requests', {
      token: data.operator.token,
      body: { peer_participant_id: SECOND_PEER },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ status: 'failed', ses_message_id: null });
    expect(res.json.error).toMatch(/sending rate/);
    expect(res.body).not.toMatch(INTERNALS);
    remove();
    const retried = await call('POST', `/requests/${res.json.id}/retry`, { token: data.operator.token });
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ status: 'sent', error: null });
  });

  it('stores a request whose send never got an answer as failed, once the SDK gave up', async () => {
    removers.push(hangCalls(ses(), toAkamai, silent.port));
    const res = await call('POST', '/requests', {
      token: data.operator.token,
      body: { peer_participant_id: PEER_WITH_CONTACTS, force: true },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ status: 'failed', ses_message_id: null });
    expect(res.json.error).toMatch(/did not answer/);
    expect(res.body).not.toMatch(INTERNALS);
  }, 60_000);
});
