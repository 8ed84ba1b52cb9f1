import { frr, type Platform } from '../config-render';

/**
 * What an operator's one-time config (configure with `config`) may not hold on the open-source
 * daemons. It is delivered as written into the managed part of the daemon's config, and operators do
 * not manage the router's connection: a statement that makes the daemon read or write a file of the
 * operator's choosing (BIRD's `log "/etc/cron.d/x"` with a `timeformat` that starts each line as a
 * cron entry; an `include` of another file; an MRT dump) or sets the daemon's own logins would give
 * them more than the daemon's BGP. peerflow's own renders hold none of these. This is a list of what
 * is refused, not of what is allowed: the daemons' languages are larger than peerflow's use of them.
 * The vendor platforms are confined by their drivers (`cliCandidateProblem`, `junosCandidateProblem`).
 */
const REFUSED: Partial<Record<Platform, readonly string[]>> = {
  bird2: ['log', 'include', 'timeformat', 'mrtdump', 'mrt', 'cli'],
  openbgpd: ['include', 'dump', 'socket'],
  frr: ['log', 'dump', 'password', 'enable', 'line', 'hostname'],
  gobgp: ['mrt-dump', 'file-name', 'zebra', 'bmp-servers', 'collector'],
};

/** The config's words outside comments and quoted strings, lowercased. */
function wordsOf(config: string, platform: Platform): string[] {
  const comment = platform === frr.id ? /^\s*!.*$/gm : /#.*$/gm;
  const text = config
    .replace(/"(?:[^"\\\n]|\\.)*"/g, ' ')
    .replace(/'[^'\n]*'/g, ' ')
    .replace(comment, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ');
  return text.toLowerCase().split(/[^a-z0-9_-]+/);
}

/** Why the one-time config is refused for a router of `platform`, or null. */
export function customConfigProblem(platform: Platform, config: string): string | null {
  const refused = REFUSED[platform];
  if (!refused) return null;
  const found = wordsOf(config, platform).find((w) => refused.includes(w));
  if (found === undefined) return null;
  return `"${found}" is refused in a one-time config for ${platform}: it makes the daemon read or write files, or changes its logins (refused: ${refused.join(', ')})`;
}
