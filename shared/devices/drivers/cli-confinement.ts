/**
 * What an IOS, EOS or IOS XR candidate may hold: the commands peerflow's own renders write (the
 * `router bgp` stanza, its route maps or policies, prefix lists and AS-path lists), nothing else.
 * The candidate is peerflow's render or a one-time config an operator wrote, and operators do not
 * manage the router's connection: without this they could write its logins. Indentation proves
 * nothing (the three read a command that a submode does not know in the global mode), so every line
 * is checked by its words; the bodies of IOS XR's policy blocks are its policy language's, which
 * holds no CLI command.
 */

/** First words allowed on an IOS or EOS line. */
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
/** IOS XR's words outside its policy blocks: the `router bgp` stanza as peerflow writes it. */
const XR = new Set([
  'router',
  'bgp',
  'rpki',
  'transport',
  'address-family',
  'neighbor',
  'neighbor-group',
  'remote-as',
  'use',
  'description',
  'password',
  'local-as',
  'ebgp-multihop',
  'maximum-prefix',
  'route-policy',
  'exit',
  'no',
]);
/** IOS XR blocks read by its policy language until their end. */
const XR_BLOCKS: Readonly<Record<string, string>> = {
  'prefix-set': 'end-set',
  'as-path-set': 'end-set',
  'community-set': 'end-set',
  'large-community-set': 'end-set',
  'route-policy': 'end-policy',
};
/** What may follow `ip` and `ipv6` (IOS, EOS). */
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

/** The CLI a candidate is written in: IOS, EOS or IOS XR's. */
export type CliDialect = 'ios' | 'eos' | 'xr';

function lineProblem(words: readonly string[], dialect: CliDialect): string | null {
  const [first, second] = words.map((w) => w.toLowerCase());
  if (first === undefined) return null;
  const known =
    dialect === 'xr' ? XR.has(first) : COMMON.has(first) || (dialect === 'eos' && EOS_ONLY.has(first));
  if (!known) return `"${first}" is not a command peerflow writes`;
  if (first === 'router' && second !== 'bgp') return 'only the "router bgp" stanza is peerflow\'s';
  if (dialect !== 'xr' && (first === 'ip' || first === 'ipv6') && !IP_LISTS.has(second ?? '')) {
    return `"${first} ${second ?? ''}" is not a list peerflow writes`;
  }
  if (first === 'no') {
    if (!NO_TARGETS.has(second ?? '')) return `"no ${second ?? ''}" is not a command peerflow writes`;
    return lineProblem(words.slice(1), dialect);
  }
  return null;
}

/** Why the candidate holds more than peerflow's part of an IOS, EOS or IOS XR config, or null. */
export function cliCandidateProblem(candidate: string, dialect: CliDialect): string | null {
  const xr = dialect === 'xr';
  let blockEnd: string | null = null;
  for (const [i, line] of candidate.split(/\r\n?|\n/).entries()) {
    const text = line.trim();
    const words = text.split(/\s+/);
    const first = (words[0] ?? '').toLowerCase();
    if (blockEnd !== null) {
      if (first === blockEnd) blockEnd = null;
      continue;
    }
    if (text === '' || text.startsWith('!') || (xr && text.startsWith('#'))) continue;
    // A policy block (`route-policy NAME`), not a neighbor's `route-policy NAME in`.
    const end = xr ? XR_BLOCKS[first] : undefined;
    if (end !== undefined && words.length === 2) {
      blockEnd = end;
      continue;
    }
    const problem = lineProblem(words, dialect);
    if (problem) return `line ${i + 1}: ${problem}`;
  }
  if (blockEnd !== null) return `a block is not closed with ${blockEnd}`;
  return null;
}
