import type { PreparedConfig, PreparedSession } from './prepare';

/**
 * The address families of an IOS-style `router bgp` (Cisco IOS, FRR): per family, each group
 * activated with its route-maps, then its sessions' own lines (`perSession`) and, for a session
 * whose policy is peerflow's, its own import route-map (it calls the group's).
 */
export function routeMapFamilies(c: PreparedConfig, perSession: (s: PreparedSession) => string[]): string[] {
  const out: string[] = [];
  for (const version of ['ipv4', 'ipv6'] as const) {
    const groups = c.groups.filter((g) => g.version === version);
    if (groups.length === 0) continue;
    out.push(' !', ` address-family ${version} unicast`);
    for (const g of groups) {
      out.push(`  neighbor ${g.name} activate`);
      out.push(`  neighbor ${g.name} route-map ${g.importPolicy} in`);
      out.push(`  neighbor ${g.name} route-map ${g.exportPolicy} out`);
      for (const s of g.sessions) {
        out.push(...perSession(s));
        if (s.policy) out.push(`  neighbor ${s.ip} route-map ${s.policy.importPolicy} in`);
      }
    }
    out.push(' exit-address-family');
  }
  return out;
}
