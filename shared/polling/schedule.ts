import { connectionsRepository } from '../deployments';
import { logger } from '../platform/logger';
import { routersRepository } from '../routers';
import { pollRouter, type PollResult } from './poller';

/** Routers polled at once by one scheduled run. */
const ROUTERS_AT_ONCE = 8;

/**
 * The scheduled poll: every router with a management connection, a few at a time. A router that
 * is busy (a deployment, an on-demand poll) is skipped until the next run; one router's failure
 * is that router's (its sessions `unknown`, its error count up) and the run goes on.
 */
export async function pollAllRouters(): Promise<PollResult[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await routersRepository.list(100, cursor);
    ids.push(...page.data.map((r) => r.id));
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  const connected: string[] = [];
  for (const id of ids) if (await connectionsRepository.get(id)) connected.push(id);
  const results: PollResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < connected.length) {
      const id = connected[next++]!;
      try {
        results.push(await pollRouter(id, { trigger: 'schedule' }));
      } catch (err) {
        logger.error('router not polled', { router_id: id, error: (err as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ROUTERS_AT_ONCE, connected.length) }, worker));
  return results;
}
