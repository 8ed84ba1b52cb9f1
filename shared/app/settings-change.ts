import { startPeerRowsBuild } from '../peeringdb';
import { type Settings, SettingsSchema, settingsRepository } from '../settings';
import { logger } from '../platform/logger';

const verdictInputs = (s: Settings) =>
  JSON.stringify([s.qualification, s.source_asn, s.source_participant_id]);

/** The settings as stored before a change, to compare with what the change stored. */
export async function settingsBefore(): Promise<Settings> {
  return (await settingsRepository.get()) ?? SettingsSchema.parse({});
}

/**
 * A change of the rules (or of who we are) reaches the verdict of every peer at every exchange: the
 * peer rows are rebuilt by a job of their own, started here, as that can take longer than a request
 * may. Until an exchange is rebuilt its filtered lists read its members instead.
 */
export async function afterSettingsChange(before: Settings, after: Settings, user: string): Promise<void> {
  if (verdictInputs(before) === verdictInputs(after)) return;
  if (!(await startPeerRowsBuild(`settings:${user}`))) {
    logger.warn('no job to rebuild the peer rows: the build after the next sync will');
  }
}
