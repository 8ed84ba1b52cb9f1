import type { PeeringDbReader } from '../peeringdb';

/**
 * Why `ip` cannot be one of our addresses at exchange `ixId`: PeeringDB lists it there for another
 * network. Null when PeeringDB lists it for nobody there, or for `ourNetId`.
 */
export async function someoneElsesAddress(
  ip: string,
  ixId: number,
  ourNetId: number | null,
  reader: Pick<PeeringDbReader, 'findPresencesByIp'>,
): Promise<string | null> {
  const holder = (await reader.findPresencesByIp(ip)).find((p) => p.ix_id === ixId && p.net_id !== ourNetId);
  return holder ? `PeeringDB has ${ip} at this exchange as AS${holder.asn} (network ${holder.net_id})` : null;
}
