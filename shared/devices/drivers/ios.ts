import { ciscoIos } from '../../config-render';
import { DeviceError, type DeviceDriver, type DeviceStep, type DeviceTransport } from '../device';
import { bgpStanza } from './iosxr-state';
import { cliCandidateProblem } from './cli-confinement';
import { parseIosIdentity, parseIosSummary, parseIosVersion } from './ios-state';
import { call, minutesOf, tryCall } from './vendor-calls';

/**
 * Cisco IOS / IOS XE over the SSH CLI, one command per exec channel. `configure replace` takes a
 * whole configuration, so the candidate is the running configuration with its `router bgp` stanza
 * swapped for the rendered one (peerflow owns that stanza), copied to `flash:` over SCP (`ip scp
 * server enable`). IOS has no parser that only checks: validate uploads the candidate and has the
 * router compare it with the running config (`show archive config differences`), which fails on a
 * file it cannot read. Apply is `configure replace ... revert trigger error timer <minutes>` (the
 * `archive` feature must be set up), confirm `configure confirm`, rollback `configure revert now`.
 */

export const IOS_CANDIDATE = 'flash:peerflow-candidate.cfg';
const CANDIDATE_NAME = 'peerflow-candidate.cfg';

/** IOS prints its errors on stdout, starting with `%` (`% Invalid input`, `%Error opening`). */
function iosError(output: string): string | null {
  const line = output
    .split('\n')
    .find((l) => /^\s*%\s*(Error|Invalid|Incomplete|Ambiguous|Failed|Rollback aborted)/i.test(l));
  return line ? line.trim() : null;
}

async function cli(t: DeviceTransport, steps: DeviceStep[], command: string, what: string): Promise<string> {
  const r = await call(t, steps, command, what);
  const error = iosError(r.stdout);
  if (error !== null) throw new DeviceError(`${what} failed: ${error}`, [...steps]);
  return r.stdout;
}

/** The running configuration with its `router bgp` stanza replaced by the rendered one. */
export function iosCandidate(running: string, rendered: string): string {
  const text = running.replace(/\r\n?/g, '\n');
  const stanza = bgpStanza(text);
  const managed = rendered.replace(/\r\n?/g, '\n').replace(/\n*$/, '\n');
  if (stanza === '') {
    const end = text.search(/^end\s*$/m);
    return end < 0
      ? `${text.replace(/\n*$/, '\n')}${managed}`
      : `${text.slice(0, end)}${managed}${text.slice(end)}`;
  }
  const at = text.indexOf(stanza.trimEnd());
  return `${text.slice(0, at)}${managed}${text.slice(at + stanza.trimEnd().length + 1)}`;
}

/** The SCP sink protocol in one write: the file's header, its bytes and the end mark. */
export function scpPayload(name: string, content: string): string {
  return `C0644 ${Buffer.byteLength(content)} ${name}\n${content}\0`;
}

export const iosDriver: DeviceDriver = {
  platform: ciscoIos.id,

  async identity(t, _o, steps) {
    const version = await cli(t, steps, 'show version', 'Reading the version');
    const summary = await cli(t, steps, 'show bgp ipv4 unicast summary', 'Reading the BGP summary');
    const { routerId, asn } = parseIosIdentity(summary);
    if (routerId === null) throw new DeviceError('the device reports no BGP router identifier', [...steps]);
    return { routerId, asn, version: parseIosVersion(version) ?? 'Cisco IOS' };
  },

  async readManaged(t, _o, steps) {
    const stanza = bgpStanza(
      await cli(t, steps, 'show running-config | section router bgp', 'Reading the running stanza'),
    );
    return stanza === '' ? null : stanza;
  },

  async validate(t, _o, candidate, steps) {
    const problem = cliCandidateProblem(candidate, 'ios');
    if (problem) return { ok: false, reason: `peerflow refuses the candidate: ${problem}` };
    const running = await cli(t, steps, 'show running-config', 'Reading the running configuration');
    const whole = iosCandidate(running, candidate);
    const upload = await tryCall(t, steps, `scp -t ${IOS_CANDIDATE}`, {
      input: scpPayload(CANDIDATE_NAME, whole),
    });
    if (upload.exitCode !== 0)
      return {
        ok: false,
        reason: `copying the candidate to ${IOS_CANDIDATE} failed (is "ip scp server enable" set?)`,
      };
    const diff = await tryCall(
      t,
      steps,
      `show archive config differences ${IOS_CANDIDATE} system:running-config`,
    );
    const error = diff.exitCode !== 0 ? diff.stdout || diff.stderr : iosError(diff.stdout);
    return error ? { ok: false, reason: error.trim() } : { ok: true };
  },

  async apply(t, _o, confirmSeconds, steps) {
    const out = await cli(
      t,
      steps,
      `configure replace ${IOS_CANDIDATE} force revert trigger error timer ${minutesOf(confirmSeconds)}`,
      'configure replace',
    );
    if (/rollback aborted|failed/i.test(out))
      throw new DeviceError(`configure replace failed: ${out.trim().split('\n').slice(-3).join(' ')}`, [
        ...steps,
      ]);
  },

  async confirm(t, _o, steps) {
    await cli(t, steps, 'configure confirm', 'Confirming the replace');
    await tryCall(t, steps, `delete /force ${IOS_CANDIDATE}`);
  },

  async rollback(t, _o, steps) {
    // Answers with an error when no revert timer runs (nothing was applied): nothing to undo then.
    await tryCall(t, steps, 'configure revert now');
    await tryCall(t, steps, `delete /force ${IOS_CANDIDATE}`);
  },

  async neighbors(t, _o, steps) {
    const v4 = await cli(t, steps, 'show bgp ipv4 unicast summary', 'Reading the IPv4 neighbors');
    const v6 = await cli(t, steps, 'show bgp ipv6 unicast summary', 'Reading the IPv6 neighbors');
    return [...parseIosSummary(v4), ...parseIosSummary(v6)];
  },
};
