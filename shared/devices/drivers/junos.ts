import { junos } from '../../config-render';
import { DeviceError, type DeviceDriver } from '../device';
import { netconfOf } from '../netconf/of';
import { escapeXml } from '../netconf/xml-tree';
import { call, minutesOf, refusal, tryCall } from './vendor-calls';
import {
  parseJunosConfigurationText,
  parseJunosLastCommit,
  parseJunosLoadErrors,
  parseJunosNeighbors,
  parseJunosRoutingOptions,
  parseJunosVersion,
} from './junos-state';

/**
 * Junos over NETCONF. peerflow's config lives in a configuration group of its own, `peerflow`,
 * applied at the top (`apply-groups peerflow`): each deployment replaces the whole group
 * (`replace: peerflow`), so a neighbor left out of the candidate is gone, and nothing of the
 * operator's own configuration is touched. The candidate is the shared one, locked from validate to
 * apply; apply is `commit confirmed` (Junos counts the window in minutes, rounded up), confirm a
 * plain commit, rollback `rollback 1` and commit when the newest commit is peerflow's unconfirmed one.
 */

export const JUNOS_GROUP = 'peerflow';
/** The commit logs that mark peerflow's commits in the commit history. */
const APPLY_LOG = 'peerflow: confirmed commit';
const CONFIRM_LOG = 'peerflow: confirm';
const ROLLBACK_LOG = 'peerflow: rollback';

/** The rendered config as the `peerflow` group, replaced as a whole, and applied. */
export function junosGroupText(rendered: string): string {
  const body = rendered
    .replace(/\r\n?/g, '\n')
    .trimEnd()
    .split('\n')
    .map((l) => (l === '' ? '' : `        ${l}`))
    .join('\n');
  return `groups {\n    replace: ${JUNOS_GROUP} {\n${body}\n    }\n}\napply-groups ${JUNOS_GROUP};\n`;
}

/** The top-level statements peerflow writes into its group; nothing else may be in a candidate. */
const GROUP_STATEMENTS = new Set(['protocols', 'policy-options', 'routing-options']);
/** What peerflow writes under `protocols`. */
const PROTOCOLS = new Set(['bgp']);

/**
 * Why a candidate cannot go into peerflow's group, or null. The candidate is peerflow's render or a
 * one-time config an operator wrote: it must not close a brace it did not open (that would leave the
 * group and write the operator's own configuration), and may hold only what peerflow writes there,
 * so that an operator cannot, say, add a login. Comments and strings are read as Junos reads them.
 */
export function junosCandidateProblem(candidate: string): string | null {
  const path: string[] = [];
  let word = '';
  let words: string[] = [];
  const statementStart = () => {
    const name = words.find((w) => !w.endsWith(':'));
    words = [];
    return name;
  };
  const check = (name: string | undefined): string | null => {
    if (name === undefined) return null;
    if (path.length === 0 && !GROUP_STATEMENTS.has(name))
      return `"${name.slice(0, 40)}" is not among the statements peerflow writes (${[...GROUP_STATEMENTS].join(', ')})`;
    if (path.length === 1 && path[0] === 'protocols' && !PROTOCOLS.has(name))
      return `"protocols ${name.slice(0, 40)}" is not among the statements peerflow writes (protocols bgp)`;
    return null;
  };
  const endWord = () => {
    if (word !== '') words.push(word);
    word = '';
  };
  for (let i = 0; i < candidate.length; i++) {
    const c = candidate[i]!;
    if (c === '/' && candidate[i + 1] === '*') {
      const end = candidate.indexOf('*/', i + 2);
      if (end === -1) return 'a comment is left open';
      endWord();
      i = end + 1;
    } else if (c === '#') {
      endWord();
      const end = candidate.indexOf('\n', i);
      i = end === -1 ? candidate.length : end;
    } else if (c === '"') {
      let j = i + 1;
      while (j < candidate.length && candidate[j] !== '"') j += candidate[j] === '\\' ? 2 : 1;
      if (j >= candidate.length) return 'a string is left open';
      word += candidate.slice(i, j + 1);
      i = j;
    } else if (c === '{') {
      endWord();
      const name = statementStart();
      const problem = check(name);
      if (problem) return problem;
      path.push(name ?? '');
    } else if (c === '}') {
      endWord();
      if (words.length > 0) return 'a statement is not ended with ";"';
      if (path.length === 0) return "it closes a brace it did not open, which would leave peerflow's group";
      path.pop();
    } else if (c === ';') {
      endWord();
      const problem = check(statementStart());
      if (problem) return problem;
    } else if (/\s/.test(c)) {
      endWord();
    } else {
      word += c;
    }
  }
  endWord();
  if (words.length > 0) return 'a statement is not ended with ";"';
  if (path.length > 0) return 'a brace is left open';
  return null;
}

const committedConfig = (inner: string, extra = '') =>
  `<get-configuration database="committed"${extra}><configuration>${inner}</configuration></get-configuration>`;

export const junosDriver: DeviceDriver = {
  platform: junos.id,

  async identity(t, _o, steps) {
    const version = await call(t, steps, '<get-software-information/>', 'Reading the Junos version');
    const ro = await call(
      t,
      steps,
      committedConfig('<routing-options/>', ' inherit="inherit"'),
      'Reading routing-options',
    );
    const { routerId, asn } = parseJunosRoutingOptions(netconfOf(t).parseReply(ro.stdout));
    if (routerId === null) throw new DeviceError('the device has no routing-options router-id', [...steps]);
    return { routerId, asn, version: parseJunosVersion(netconfOf(t).parseReply(version.stdout)) ?? 'Junos' };
  },

  async readManaged(t, _o, steps) {
    const r = await call(
      t,
      steps,
      committedConfig(`<groups><name>${JUNOS_GROUP}</name></groups>`, ' format="text"'),
      'Reading the peerflow group',
    );
    const text = parseJunosConfigurationText(netconfOf(t).parseReply(r.stdout));
    return text.trim() === '' ? null : text;
  },

  async validate(t, _o, candidate, steps) {
    const problem = junosCandidateProblem(candidate);
    if (problem) return { ok: false, reason: `peerflow refuses the candidate: ${problem}` };
    await call(t, steps, '<lock><target><candidate/></target></lock>', 'Locking the candidate');
    await call(t, steps, '<discard-changes/>', 'Clearing the candidate');
    const load = await tryCall(
      t,
      steps,
      `<load-configuration action="replace" format="text"><configuration-text>${escapeXml(junosGroupText(candidate))}</configuration-text></load-configuration>`,
    );
    const loadErrors =
      load.exitCode === 0 ? parseJunosLoadErrors(netconfOf(t).parseReply(load.stdout)) : [refusal(load)];
    const check =
      loadErrors.length === 0
        ? await tryCall(t, steps, '<commit-configuration><check/></commit-configuration>')
        : null;
    if (loadErrors.length > 0 || (check !== null && check.exitCode !== 0)) {
      await tryCall(t, steps, '<discard-changes/>');
      await tryCall(t, steps, '<unlock><target><candidate/></target></unlock>');
      return { ok: false, reason: loadErrors.length > 0 ? loadErrors.join('; ') : refusal(check!) };
    }
    return { ok: true };
  },

  async apply(t, _o, confirmSeconds, steps) {
    await call(
      t,
      steps,
      `<commit-configuration><confirmed/><confirm-timeout>${minutesOf(confirmSeconds)}</confirm-timeout><log>${escapeXml(APPLY_LOG)}</log></commit-configuration>`,
      'commit confirmed',
    );
    await tryCall(t, steps, '<unlock><target><candidate/></target></unlock>');
  },

  async confirm(t, _o, steps) {
    await call(t, steps, '<lock><target><candidate/></target></lock>', 'Locking the candidate');
    try {
      await call(
        t,
        steps,
        `<commit-configuration><log>${escapeXml(CONFIRM_LOG)}</log></commit-configuration>`,
        'Confirming the commit',
      );
    } finally {
      await tryCall(t, steps, '<unlock><target><candidate/></target></unlock>');
    }
  },

  async rollback(t, _o, steps) {
    // Whatever this session staged goes first (a failed validate or apply leaves it there).
    await tryCall(t, steps, '<discard-changes/>');
    const history = await call(t, steps, '<get-commit-information/>', 'Reading the commit history');
    if (parseJunosLastCommit(netconfOf(t).parseReply(history.stdout)).log !== APPLY_LOG) {
      await tryCall(t, steps, '<unlock><target><candidate/></target></unlock>');
      return;
    }
    await tryCall(t, steps, '<lock><target><candidate/></target></lock>');
    try {
      await call(t, steps, '<load-configuration rollback="1"/>', 'Loading rollback 1');
      await call(
        t,
        steps,
        `<commit-configuration><log>${escapeXml(ROLLBACK_LOG)}</log></commit-configuration>`,
        'Committing the rollback',
      );
    } finally {
      await tryCall(t, steps, '<unlock><target><candidate/></target></unlock>');
    }
  },

  async neighbors(t, _o, steps) {
    const r = await call(t, steps, '<get-bgp-neighbor-information/>', 'Reading the BGP neighbors');
    return parseJunosNeighbors(netconfOf(t).parseReply(r.stdout));
  },
};
