/**
 * What an IOS or EOS candidate may hold: the commands peerflow's own renders write (the `router bgp`
 * stanza, its route maps, prefix lists and AS-path lists), nothing else. The candidate is peerflow's
 * render or a one-time config an operator wrote, and operators do not manage the router's
 * connection: without this they could write its logins. Indentation proves nothing (IOS and EOS read
 * a command that a submode does not know in the global mode), so every line is checked by its words.
 */

/** First words allowed on any line, the platform aside. */
const COMMON = new Set([
  'router',
  'bgp',
  'neighbor',
  'network',
  'address-family',
  'exit-address-family',
  'exit',
  'ip',
  'ipv6',
  'route-map',
  'match',
  'set',
  'continue',
  'description',
  'maximum-paths',
  'timers',
  'aggregate-address',
  'no',
]);
/** EOS writes these too (`router-id`, `rpki cache` with its `host`, `rpki origin-validation` with `ebgp`). */
const EOS_ONLY = new Set(['router-id', 'rpki', 'host', 'ebgp', 'seq', 'sub-route-map']);
/** What may follow `ip` and `ipv6`. */
const IP_LISTS = new Set([
  'prefix-list',
  'as-path',
  'community-list',
  'large-community-list',
  'extcommunity-list',
]);
/** What `no` may take away. */
const NO_TARGETS = new Set([
  'bgp',
  'neighbor',
  'network',
  'route-map',
  'ip',
  'ipv6',
  'synchronization',
  'auto-summary',
]);

function lineProblem(words: string[], eos: boolean): string | null {
  const [first, second] = words.map((w) => w.toLowerCase());
  if (first === undefined) return null;
  if (!COMMON.has(first) && !(eos && EOS_ONLY.has(first)))
    return `"${first}" is not a command peerflow writes`;
  if (first === 'router' && second !== 'bgp') return 'only the "router bgp" stanza is peerflow\'s';
  if ((first === 'ip' || first === 'ipv6') && !IP_LISTS.has(second ?? '')) {
    return `"${first} ${second ?? ''}" is not a list peerflow writes`;
  }
  if (first === 'no') {
    if (!NO_TARGETS.has(second ?? '')) return `"no ${second ?? ''}" is not a command peerflow writes`;
    return lineProblem(words.slice(1), eos);
  }
  return null;
}

/** Why the candidate holds more than peerflow's part of an IOS or EOS config, or null. */
export function cliCandidateProblem(candidate: string, platform: 'cisco-ios' | 'arista-eos'): string | null {
  const lines = candidate.split(/\r\n?|\n/);
  for (const [i, line] of lines.entries()) {
    const text = line.trim();
    if (text === '' || text.startsWith('!')) continue;
    const problem = lineProblem(text.split(/\s+/), platform === 'arista-eos');
    if (problem) return `line ${i + 1}: ${problem}`;
  }
  return null;
}
