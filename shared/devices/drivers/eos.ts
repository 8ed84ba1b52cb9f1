import { aristaEos } from '../../config-render';
import { DeviceError, type DeviceDriver, type DeviceStep, type DeviceTransport } from '../device';
import type { EapiTransport } from '../eapi';
import { bgpStanza } from './iosxr-state';
import { cliCandidateProblem } from './cli-confinement';
import { parseEapiReply, parseEosIdentity, parseEosNeighbors, parseEosVersion } from './eos-state';

/**
 * Arista EOS over eAPI. peerflow owns the `router bgp` stanza: validate fills a configuration
 * session (`configure session peerflow`) with `no router bgp <as>` and the rendered stanza, which EOS
 * checks line by line, and leaves it uncommitted; apply commits it with `commit timer` (EOS reverts
 * by itself when the timer runs out), confirm commits the session again, rollback aborts it.
 */

export const EOS_SESSION = 'peerflow';

function eapiOf(t: DeviceTransport): EapiTransport {
  const e = t as Partial<EapiTransport>;
  if (typeof e.runCmds !== 'function')
    throw new DeviceError('this platform is reached over eAPI: the connection is not');
  return t as EapiTransport;
}

/** `hh:mm:ss` for `commit timer`. */
export function commitTimer(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

/** The session's commands: the stanza removed, then the rendered lines (comments left out). */
export function eosSessionCommands(rendered: string): string[] {
  const as = /^router bgp (\S+)/m.exec(rendered);
  if (!as) throw new DeviceError('the candidate has no router bgp stanza');
  const lines = rendered
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trim().startsWith('!'))
    .map((l) => l.trim());
  return [`no router bgp ${as[1]}`, ...lines];
}

async function run(
  t: DeviceTransport,
  steps: DeviceStep[],
  cmds: string[],
  what: string,
  format: 'json' | 'text' = 'json',
): Promise<unknown[]> {
  const outcome = await attempt(t, steps, cmds, format);
  if (!outcome.ok) throw new DeviceError(`${what} failed: ${outcome.message}`, [...steps]);
  return outcome.results;
}

async function attempt(
  t: DeviceTransport,
  steps: DeviceStep[],
  cmds: string[],
  format: 'json' | 'text' = 'json',
) {
  const result = await eapiOf(t).runCmds(['enable', ...cmds], format);
  steps.push(result);
  if (result.exitCode !== 0)
    return { ok: false as const, message: result.stderr || result.stdout.slice(0, 300) };
  const reply = parseEapiReply(result.stdout);
  return reply.ok ? { ok: true as const, results: reply.results.slice(1) } : reply;
}

export const eosDriver: DeviceDriver = {
  platform: aristaEos.id,

  async identity(t, _o, steps) {
    const [version, summary] = await run(
      t,
      steps,
      ['show version', 'show ip bgp summary'],
      'Reading the identity',
    );
    const { routerId, asn } = parseEosIdentity(summary);
    if (routerId === null) throw new DeviceError('the device reports no BGP router id', [...steps]);
    return { routerId, asn, version: parseEosVersion(version) ?? 'EOS' };
  },

  async readManaged(t, _o, steps) {
    const [out] = await run(
      t,
      steps,
      ['show running-config section router bgp'],
      'Reading the running stanza',
      'text',
    );
    const stanza = bgpStanza(String((out as { output?: unknown } | undefined)?.output ?? ''));
    return stanza === '' ? null : stanza;
  },

  async validate(t, _o, candidate, steps) {
    const problem = cliCandidateProblem(candidate, 'eos');
    if (problem) return { ok: false, reason: `peerflow refuses the candidate: ${problem}` };
    await attempt(t, steps, [`configure session ${EOS_SESSION}`, 'abort']);
    const outcome = await attempt(t, steps, [
      `configure session ${EOS_SESSION}`,
      ...eosSessionCommands(candidate),
      'end',
    ]);
    if (!outcome.ok) {
      await attempt(t, steps, [`configure session ${EOS_SESSION}`, 'abort']);
      return { ok: false, reason: outcome.message };
    }
    return { ok: true };
  },

  async apply(t, _o, confirmSeconds, steps) {
    await run(
      t,
      steps,
      [`configure session ${EOS_SESSION}`, `commit timer ${commitTimer(confirmSeconds)}`],
      'commit timer',
    );
  },

  async confirm(t, _o, steps) {
    await run(t, steps, [`configure session ${EOS_SESSION} commit`], 'Confirming the session');
  },

  async rollback(t, _o, steps) {
    // Refused when there is no such session (nothing staged or applied): nothing to undo then.
    await attempt(t, steps, [`configure session ${EOS_SESSION} abort`]);
  },

  async neighbors(t, _o, steps) {
    const results = await run(
      t,
      steps,
      ['show ip bgp neighbors', 'show ipv6 bgp neighbors'],
      'Reading the BGP neighbors',
    );
    const byIp = new Map(results.flatMap(parseEosNeighbors).map((n) => [n.peerIp, n]));
    return [...byIp.values()];
  },
};
