import type { PlatformDescriptor } from '../platform';
import { aristaEos } from './arista-eos';
import { bird2 } from './bird2';
import { ciscoIos } from './cisco-ios';
import { ciscoIosxr } from './cisco-iosxr';
import { frr } from './frr';
import { gobgp } from './gobgp';
import { junos } from './junos';
import { openbgpd } from './openbgpd';

/** Each platform's descriptor, for code that must single one out (e.g. a daemon's driver): `bird2.id`. */
export { aristaEos, bird2, ciscoIos, ciscoIosxr, frr, gobgp, junos, openbgpd };

/** Every platform peerflow renders for, one row each, in the order the API lists them. */
export const PLATFORM_REGISTRY = [
  ciscoIos,
  ciscoIosxr,
  junos,
  aristaEos,
  bird2,
  frr,
  openbgpd,
  gobgp,
] as const;

type Registry = typeof PLATFORM_REGISTRY;
type IdsOf<T extends readonly PlatformDescriptor[]> = {
  readonly [K in keyof T]: T[K] extends { id: infer Id } ? Id : never;
};

/** The platforms' ids as a readonly tuple, for `z.enum(PLATFORMS)`. */
export const PLATFORMS = PLATFORM_REGISTRY.map((d) => d.id) as unknown as IdsOf<Registry>;
export type Platform = Registry[number]['id'];

const BY_ID = new Map<string, PlatformDescriptor>(PLATFORM_REGISTRY.map((d) => [d.id, d]));

/** The descriptor of a platform: what its renderer, passwords, scope and check are. */
export function platformDescriptor(id: Platform): PlatformDescriptor {
  const descriptor = BY_ID.get(id);
  if (!descriptor) throw new Error(`No platform ${id} is registered`);
  return descriptor;
}
