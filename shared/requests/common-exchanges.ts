import {
  type Contact,
  CONTACT_ROLE_ORDER,
  contactRoleRank,
  orderContacts,
  type Presence,
} from '../peeringdb';

/** One exchange both networks are on, with both sides' addresses there. */
export interface CommonExchange {
  public_id: number;
  public_name: string;
  our_ipv4: string[];
  our_ipv6: string[];
  peer_ipv4: string[];
  peer_ipv6: string[];
}

/** Our addresses at one exchange (from PeeringDB, or the operator's override). */
export interface OwnAddresses {
  public_id: number;
  public_name: string;
  ipv4: string[];
  ipv6: string[];
}

function addresses(rows: Presence[]) {
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  for (const row of rows) {
    if (row.ipaddr4) v4.add(row.ipaddr4);
    if (row.ipaddr6) v6.add(row.ipaddr6);
  }
  return { ipv4: [...v4], ipv6: [...v6] };
}

/** The exchanges both sides are present at, ordered by exchange id. */
export function commonExchanges(
  ours: readonly OwnAddresses[],
  peerPresences: readonly Presence[],
): CommonExchange[] {
  const peerByExchange = new Map<number, Presence[]>();
  for (const row of peerPresences)
    peerByExchange.set(row.ix_id, [...(peerByExchange.get(row.ix_id) ?? []), row]);
  return ours
    .filter((own) => peerByExchange.has(own.public_id))
    .sort((a, b) => a.public_id - b.public_id)
    .map((own) => {
      const peer = addresses(peerByExchange.get(own.public_id) ?? []);
      return {
        public_id: own.public_id,
        public_name: own.public_name,
        our_ipv4: own.ipv4,
        our_ipv6: own.ipv6,
        peer_ipv4: peer.ipv4,
        peer_ipv6: peer.ipv6,
      };
    });
}

// Enough to refuse what PeeringDB sometimes holds in an email field (names, URLs, several addresses).
const PLAIN_ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$/;

export function isPlainAddress(value: string): boolean {
  return value.length <= 254 && PLAIN_ADDRESS.test(value);
}

/**
 * The contact a peering request goes to: the one a coordinator chose for this peer, else Policy,
 * else Technical, else NOC; always one with a usable address.
 */
export function requestRecipient(contacts: readonly Contact[], preferredId?: number): Contact | undefined {
  const usable = contacts.filter((c) => isPlainAddress(c.email.trim()));
  const found = orderContacts(usable, preferredId ?? null).find(
    (c) => c.id === preferredId || contactRoleRank(c.role) < CONTACT_ROLE_ORDER.length,
  );
  return found ? { ...found, email: found.email.trim() } : undefined;
}
