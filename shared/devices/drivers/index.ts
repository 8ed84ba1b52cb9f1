import type { Platform } from '../../config-render';
import type { DeviceDriver } from '../device';
import { bird2Driver } from './bird2';
import { eosDriver } from './eos';
import { frrDriver } from './frr';
import { gobgpDriver } from './gobgp';
import { iosDriver } from './ios';
import { iosxrDriver } from './iosxr';
import { junosDriver } from './junos';
import { openbgpdDriver } from './openbgpd';

/** The drivers: one per open-source daemon, and the vendor platforms (Junos, IOS XR, EOS, IOS). */
const DRIVERS: ReadonlyMap<string, DeviceDriver> = new Map(
  [bird2Driver, frrDriver, openbgpdDriver, gobgpDriver, junosDriver, iosxrDriver, eosDriver, iosDriver].map(
    (d) => [d.platform, d],
  ),
);

/** The driver that delivers configs to a router of `platform`; null when peerflow has none for it. */
export function deviceDriver(platform: Platform): DeviceDriver | null {
  return DRIVERS.get(platform) ?? null;
}

export { bird2Driver, frrDriver, gobgpDriver, openbgpdDriver };
export { eosDriver, iosDriver, iosxrDriver, junosDriver };
