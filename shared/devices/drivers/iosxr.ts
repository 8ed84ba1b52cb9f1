import { ciscoIosxr } from '../../config-render';
import { DeviceError, type DeviceDriver } from '../device';
import * as ops from '../netconf/operations';
import { netconfOf } from '../netconf/of';
import { escapeXml } from '../netconf/xml-tree';
import { call, refusal, tryCall } from './vendor-calls';
import { cliCandidateProblem } from './cli-confinement';
import {
  bgpStanza,
  parseXrCliText,
  parseXrNeighbors,
  routerIdentityOf,
  XR_BGP_OPER_NS,
  XR_CLI_NS,
} from './iosxr-state';

/**
 * IOS XR over NETCONF, with the CLI-config model (`Cisco-IOS-XR-cli-cfg`): the candidate takes the
 * same CLI text peerflow renders and shows, so what is reviewed is what is loaded. peerflow owns the
 * `router bgp` stanza: the candidate is `no router bgp <as>` followed by the rendered stanza, and XR
 * commits the difference. Apply is a confirmed commit with `<persist>` (confirmed-commit:1.1), so a
 * later connection confirms or cancels it; state comes from the BGP operational model.
 */

const PERSIST = 'peerflow';
const cliFilter = { subtree: `<cli xmlns="${XR_CLI_NS}"/>` };
const neighborsFilter = {
  subtree: `<bgp xmlns="${XR_BGP_OPER_NS}"><instances><instance><instance-active><default-vrf><neighbors/></default-vrf></instance-active></instance></instances></bgp>`,
};

/** The candidate's CLI text: the running stanza removed, the rendered one in its place. */
export function xrCandidateText(rendered: string): string {
  const as = /^router bgp (\S+)/m.exec(rendered);
  if (!as) throw new DeviceError('the candidate has no router bgp stanza');
  return `no router bgp ${as[1]}\n${rendered.replace(/\r\n?/g, '\n')}`;
}

async function runningCli(
  t: Parameters<DeviceDriver['identity']>[0],
  steps: Parameters<DeviceDriver['identity']>[2],
) {
  const r = await call(t, steps, ops.getConfig('running', cliFilter), 'Reading the running configuration');
  return parseXrCliText(netconfOf(t).parseReply(r.stdout));
}

export const iosxrDriver: DeviceDriver = {
  platform: ciscoIosxr.id,

  async identity(t, _o, steps) {
    const session = netconfOf(t);
    const { routerId, asn } = routerIdentityOf(bgpStanza(await runningCli(t, steps)));
    if (routerId === null) throw new DeviceError('the device has no BGP router-id', [...steps]);
    const module = [...session.capabilities].find((c) => c.includes('Cisco-IOS-XR-ipv4-bgp-oper'));
    const revision = module ? /revision=([\d-]+)/.exec(module)?.[1] : undefined;
    return { routerId, asn, version: `Cisco IOS XR${revision ? ` (BGP model ${revision})` : ''}` };
  },

  async readManaged(t, _o, steps) {
    const stanza = bgpStanza(await runningCli(t, steps));
    return stanza === '' ? null : stanza;
  },

  async validate(t, _o, candidate, steps) {
    const problem = cliCandidateProblem(candidate, 'xr');
    if (problem) return { ok: false, reason: `peerflow refuses the candidate: ${problem}` };
    await call(t, steps, ops.lock('candidate'), 'Locking the candidate');
    await call(t, steps, ops.discardChanges(), 'Clearing the candidate');
    const edit = await tryCall(
      t,
      steps,
      ops.editConfig('candidate', `<cli xmlns="${XR_CLI_NS}">${escapeXml(xrCandidateText(candidate))}</cli>`),
    );
    const check = edit.exitCode === 0 ? await tryCall(t, steps, ops.validate('candidate')) : null;
    const failed = edit.exitCode !== 0 ? edit : check !== null && check.exitCode !== 0 ? check : null;
    if (failed !== null) {
      await tryCall(t, steps, ops.discardChanges());
      await tryCall(t, steps, ops.unlock('candidate'));
      return { ok: false, reason: refusal(failed) };
    }
    return { ok: true };
  },

  async apply(t, _o, confirmSeconds, steps) {
    if (!netconfOf(t).has(ops.CAP_CONFIRMED_COMMIT_11)) {
      throw new DeviceError(
        'the device does not announce confirmed-commit:1.1 (persist): refusing to commit without a timer a later connection can confirm',
        [...steps],
      );
    }
    await call(
      t,
      steps,
      ops.commit({ confirmed: true, timeoutSeconds: confirmSeconds, persist: PERSIST }),
      'commit confirmed',
    );
    await tryCall(t, steps, ops.unlock('candidate'));
  },

  async confirm(t, _o, steps) {
    await call(t, steps, ops.commit({ persistId: PERSIST }), 'Confirming the commit');
  },

  async rollback(t, _o, steps) {
    await tryCall(t, steps, ops.discardChanges());
    // Refused when no confirmed commit is pending (nothing was applied): nothing to undo then.
    await tryCall(t, steps, ops.cancelCommit(PERSIST));
    await tryCall(t, steps, ops.unlock('candidate'));
  },

  async neighbors(t, _o, steps) {
    const r = await call(t, steps, ops.get(neighborsFilter), 'Reading the BGP neighbors');
    return parseXrNeighbors(netconfOf(t).parseReply(r.stdout));
  },
};
