import { irrTrackedNetworks, refreshManyIrr, type IrrRefreshReport } from '../irr';
import { sessionsRepository } from '../sessions';

/**
 * The daily refresh: every network we have a BGP session with, and every network whose lists were
 * ever fetched or given an override. The sessions are read here, above both areas, so that the IRR
 * area (which the config renderers read) does not depend on the sessions.
 */
export async function refreshAllIrr(deadline?: number): Promise<IrrRefreshReport> {
  const [sessions, tracked] = await Promise.all([sessionsRepository.listAll({}), irrTrackedNetworks()]);
  const nets = new Set<number>(tracked);
  for (const s of sessions) if (s.peer_participant_id !== null) nets.add(s.peer_participant_id);
  return refreshManyIrr([...nets], deadline === undefined ? {} : { deadline });
}
