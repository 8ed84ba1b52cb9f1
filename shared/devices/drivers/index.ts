import type { Platform } from '../../config-render';
import type { DeviceDriver } from '../device';
import { bird2Driver } from './bird2';
import { frrDriver } from './frr';
import { gobgpDriver } from './gobgp';
import { openbgpdDriver } from './openbgpd';

/** The drivers, one per open-source daemon; a vendor platform has none (its configs are pasted). */
const DRIVERS: ReadonlyMap<string, DeviceDriver> = new Map(
  [bird2Driver, frrDriver, openbgpdDriver, gobgpDriver].map((d) => [d.platform, d]),
);

/** The driver that delivers configs to a router of `platform`; null when peerflow has none for it. */
export function deviceDriver(platform: Platform): DeviceDriver | null {
  return DRIVERS.get(platform) ?? null;
}

export { bird2Driver, frrDriver, gobgpDriver, openbgpdDriver };
