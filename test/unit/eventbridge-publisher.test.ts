import { describe, expect, it, vi } from 'vitest';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { eventBridgePublisher, PUT_EVENTS_BATCH } from '../../shared/app/eventbridge-publisher';
import type { PeerflowEvent } from '../../shared/events';
import { logger } from '../../shared/platform/logger';

const event = (n: number): PeerflowEvent => ({
  type: 'session.state_changed',
  time: '2026-12-06T00:00:00.000Z',
  router_id: 1,
  session_id: n,
  detail: { from: 'established', to: 'idle' },
});

/**
 * EventBridge has no local engine: these calls stand in for PutEvents to inject its partial
 * failures, which the publisher must retry once and then log.
 */
describe('the EventBridge publisher', () => {
  it('puts entries on the bus in batches of at most 10, source peerflow, detail-type the type', async () => {
    const calls: PutEventsRequestEntry[][] = [];
    const publish = eventBridgePublisher('peerflow-bus', async (entries) => {
      calls.push(entries);
      return entries.map(() => ({}));
    });
    await publish(Array.from({ length: 23 }, (_, i) => event(i + 1)));
    expect(calls.map((c) => c.length)).toEqual([PUT_EVENTS_BATCH, PUT_EVENTS_BATCH, 3]);
    const first = calls[0]![0]!;
    expect(first).toMatchObject({
      EventBusName: 'peerflow-bus',
      Source: 'peerflow',
      DetailType: 'session.state_changed',
    });
    const detail = JSON.parse(first.Detail!);
    expect(detail).toMatchObject({ type: 'session.state_changed', router_id: 1, session_id: 1 });
    expect(detail.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends the entries EventBridge refused once more, then logs those refused again', async () => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    const calls: number[][] = [];
    const publish = eventBridgePublisher('bus', async (entries) => {
      calls.push(entries.map((e) => JSON.parse(e.Detail!).session_id as number));
      // Session 2 is always refused, session 3 only the first time.
      return entries.map((e) => {
        const n = JSON.parse(e.Detail!).session_id as number;
        return n === 2 || (n === 3 && calls.length === 1)
          ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }
          : {};
      });
    });
    await publish([event(1), event(2), event(3)]);
    expect(calls).toEqual([
      [1, 2, 3],
      [2, 3],
    ]);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(errors.mock.calls[0]![1]).toMatchObject({ type: 'session.state_changed' });
    errors.mockRestore();
  });

  it('retries a call that failed as a whole once, and never throws', async () => {
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    let calls = 0;
    const publish = eventBridgePublisher('bus', async () => {
      calls += 1;
      throw new Error('throttled');
    });
    await expect(publish([event(1)])).resolves.toBeUndefined();
    expect(calls).toBe(2);
    expect(errors).toHaveBeenCalledTimes(1);
    errors.mockRestore();
  });
});
