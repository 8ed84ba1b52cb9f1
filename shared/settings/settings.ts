import { settingsRepository } from './settings-store';
import { type Settings, SettingsSchema } from './settings-schema';

/**
 * The settings every peering call reads. A warm container keeps them a few seconds: another
 * container's change shows within that time, this container's own change at once.
 */
const CACHE_MS = 5_000;
let cached: { settings: Settings; at: number } | undefined;

export async function getSettings(): Promise<Settings> {
  if (cached && Date.now() - cached.at < CACHE_MS) return cached.settings;
  const settings = (await settingsRepository.get()) ?? SettingsSchema.parse({});
  cached = { settings, at: Date.now() };
  return settings;
}

/**
 * Replaces the settings (fields left out take their defaults) and returns what was stored. With
 * `onlyIf`, only over the version read (see the repository); undefined when another change came first.
 */
export async function putSettings(next: Partial<Settings>, user: { email: string }): Promise<Settings>;
export async function putSettings(
  next: Partial<Settings>,
  user: { email: string },
  onlyIf: { modified: string | null },
): Promise<Settings | undefined>;
export async function putSettings(
  next: Partial<Settings>,
  user: { email: string },
  onlyIf?: { modified: string | null },
): Promise<Settings | undefined> {
  const settings = SettingsSchema.parse({ ...next, modified: new Date().toISOString() });
  if (!(await settingsRepository.put(settings, user.email, onlyIf))) return undefined;
  cached = { settings, at: Date.now() };
  return settings;
}

/** Tests: forget the cached copy (each test file has a fresh table). */
export function forgetCachedSettings(): void {
  cached = undefined;
}
