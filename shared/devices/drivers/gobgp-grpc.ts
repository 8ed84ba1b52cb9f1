import { gobgp } from '../../config-render';
import { canonicalIp } from '../../kernel';
import {
  DeviceError,
  type DeviceDriver,
  type DeviceStep,
  type DeviceTransport,
  type NeighborState,
  type NeighborStateName,
} from '../device';
import { GOBGP_ENUMS, GOBGP_SERVICES, type GobgpStreamMethod, type GobgpUnaryMethod } from '../gobgp-api';
import { type GobgpGrpcTransport, type GrpcOutcome, isGobgpGrpcTransport } from '../grpc-transport';
import {
  type DefaultAction,
  type GobgpFamily,
  type GobgpNeighborSpec,
  type GobgpPlan,
  type GobgpPolicyAssignment,
  parseGobgpPlan,
  renderGobgpPlan,
  sameNeighbor,
} from './gobgp-plan';

/**
 * GoBGP through its gRPC API (`transport: grpc`), the same config as the SSH driver delivers,
 * sent as API objects instead of a file.
 *
 * What peerflow manages on the daemon:
 * - its neighbors: those whose description is `peerflow/<group>: <description>` (peerflow writes
 *   its rendered description so, with the neighbor's peer group). Every other neighbor is the
 *   operator's and is never changed; a candidate neighbor at an operator neighbor's address is
 *   refused.
 * - the neighbor sets named after its groups (their entries follow the groups' members: the
 *   operator's policies match on them), and the global policy assignment (import and export: the
 *   groups' policies and the default action), as the rendered `[global.apply-policy.config]` says.
 * - peer groups are not created on the daemon: GoBGP 3's AddPeer replaces a neighbor's own settings
 *   by its group's, and peerflow's groups carry nothing a neighbor does not (their address family).
 *   The group is kept in the neighbor's description and in its neighbor set.
 * - `[global.config]` (AS, router id) is never sent: gobgpd takes it at StartBgp only. A candidate
 *   with another AS or router id than GetBgp reports is refused.
 *
 * Steps:
 * - identity: GetBgp under the pinned API's service. A daemon that does not serve it is asked under
 *   the other major's name, and the answer says which API it serves: nothing is written.
 * - validate: the candidate TOML read back into API objects (anything that is not peerflow's
 *   render is refused), then checked against the daemon: AS and router id, every policy named
 *   exists (ListPolicy), no operator neighbor at a candidate address, no change left pending.
 *   gobgpd's own checks run when the calls are made (apply); a refusal there is rolled back.
 * - apply: the previous state of everything above (neighbors with their passwords, sets,
 *   assignments) is saved on the daemon first, as an AS-path defined set `peerflow-rollback` (hex of
 *   its JSON; the daemon holds those passwords anyway), since a later step (another Lambda) may have
 *   to restore it. Then assignments, sets, and neighbors: removed and changed ones are deleted, new
 *   and changed ones added (a changed neighbor restarts its session, as gobgpd's own reload does).
 * - confirm: the saved set is deleted. rollback: the saved state is put back, then deleted.
 * - neighbors: ListPeer, every neighbor of the daemon (received and accepted counts).
 */

/**
 * The description of a neighbor peerflow added: `peerflow/<group>: <rendered description>`. The
 * group is kept there, not as the neighbor's peer group: GoBGP 3's AddPeer replaces a neighbor's
 * own settings (AS, description, password) by its peer group's.
 */
const MARK = /^peerflow\/([A-Za-z0-9_.-]*): (.*)$/s;
export const markedDescription = (group: string, description: string) => `peerflow/${group}: ${description}`;
export const ROLLBACK_SET = 'peerflow-rollback';
/** Characters of hex per entry of the saved set. */
const CHUNK = 1000;

interface SavedState {
  readonly neighbors: GobgpNeighborSpec[];
  readonly sets: Record<string, string[]>;
  readonly importPolicy: GobgpPolicyAssignment;
  readonly exportPolicy: GobgpPolicyAssignment;
}

/** Plans validated on a connection, waiting for `apply` on the same one. */
const staged = new WeakMap<DeviceTransport, GobgpPlan>();

type Message = Record<string, unknown>;
const obj = (v: unknown): Message => (v !== null && typeof v === 'object' ? (v as Message) : {});
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

/** One driver call's view of the API: every call recorded in `steps`, failures as DeviceErrors. */
class Api {
  readonly enums;
  constructor(
    readonly t: GobgpGrpcTransport,
    readonly steps: DeviceStep[],
  ) {
    this.enums = GOBGP_ENUMS[t.apiVersion];
  }

  private record(command: string, outcome: GrpcOutcome<unknown>, quiet: boolean) {
    this.steps.push({
      command,
      exitCode: outcome.ok ? 0 : outcome.code,
      stdout: outcome.ok && !quiet ? JSON.stringify(outcome.value) : '',
      stderr: outcome.ok ? '' : `${outcome.codeName}: ${outcome.details}`,
    });
  }

  async tryUnary(method: GobgpUnaryMethod, request: object, label?: string) {
    const outcome = await this.t.unary(method, request);
    this.record(label ?? `${method} ${JSON.stringify(request)}`, outcome, label !== undefined);
    return outcome;
  }

  async unary(method: GobgpUnaryMethod, request: object, label?: string): Promise<Message> {
    const outcome = await this.tryUnary(method, request, label);
    if (!outcome.ok) throw this.error(`${method} failed: ${outcome.codeName}: ${outcome.details}`);
    return outcome.value;
  }

  async list(method: GobgpStreamMethod, request: object, quiet = false): Promise<Message[]> {
    const outcome = await this.t.stream(method, request);
    this.record(`${method} ${JSON.stringify(request)}`, outcome, quiet);
    if (!outcome.ok) throw this.error(`${method} failed: ${outcome.codeName}: ${outcome.details}`);
    return outcome.value;
  }

  error(message: string): DeviceError {
    return new DeviceError(message, [...this.steps]);
  }

  familyMessage(f: GobgpFamily) {
    return { afi: this.enums.afi[f], safi: this.enums.safiUnicast };
  }

  familyOf(message: unknown): GobgpFamily | null {
    const f = obj(message);
    if (num(f.safi) !== this.enums.safiUnicast) return null;
    if (num(f.afi) === this.enums.afi.ipv4) return 'ipv4';
    if (num(f.afi) === this.enums.afi.ipv6) return 'ipv6';
    return null;
  }

  async global(): Promise<{ asn: number; routerId: string }> {
    const global = obj((await this.unary('GetBgp', {})).global);
    return { asn: num(global.asn), routerId: str(global.router_id) };
  }

  async peers(): Promise<Message[]> {
    return (await this.list('ListPeer', { address: '' })).map((r) => obj(r.peer));
  }

  async neighborSets(): Promise<Map<string, string[]>> {
    const sets = await this.list('ListDefinedSet', {
      defined_type: this.enums.definedType.neighbor,
      name: '',
    });
    return new Map(
      sets.map((r) => {
        const s = obj(r.defined_set);
        const list = (Array.isArray(s.list) ? s.list : []).map((entry) => hostOf(str(entry)));
        return [str(s.name), list] as const;
      }),
    );
  }

  async assignment(direction: 'import' | 'export'): Promise<GobgpPolicyAssignment> {
    const found = await this.list('ListPolicyAssignment', {
      name: 'global',
      direction: this.enums.direction[direction],
    });
    const a = obj(found[0]?.assignment);
    const action = num(a.default_action);
    return {
      policies: (Array.isArray(a.policies) ? a.policies : []).map((p) => str(obj(p).name)),
      defaultAction:
        action === this.enums.routeAction.accept
          ? 'accept-route'
          : action === this.enums.routeAction.reject
            ? 'reject-route'
            : null,
    };
  }

  async setAssignment(direction: 'import' | 'export', a: GobgpPolicyAssignment): Promise<void> {
    const action: Record<DefaultAction, number> = {
      'accept-route': this.enums.routeAction.accept,
      'reject-route': this.enums.routeAction.reject,
    };
    await this.unary('SetPolicyAssignment', {
      assignment: {
        name: 'global',
        direction: this.enums.direction[direction],
        policies: a.policies.map((name) => ({ name })),
        default_action: a.defaultAction === null ? this.enums.routeAction.none : action[a.defaultAction],
      },
    });
  }

  /** The daemon's neighbor as peerflow renders one; null when it is not peerflow's. */
  specOf(peer: Message, globalAsn: number): GobgpNeighborSpec | null {
    const conf = obj(peer.conf);
    const mark = MARK.exec(str(conf.description));
    if (!mark) return null;
    const afiSafis = (Array.isArray(peer.afi_safis) ? peer.afi_safis : []).map(obj);
    const first = afiSafis[0] ?? {};
    const localAs = num(conf.local_asn);
    const localAddress = canonicalIp(str(obj(peer.transport).local_address)) ?? null;
    const multihop = obj(peer.ebgp_multihop);
    const limit = num(obj(first.prefix_limits).max_prefixes);
    return {
      address: canonicalIp(str(conf.neighbor_address)) ?? str(conf.neighbor_address),
      peerAs: num(conf.peer_asn),
      description: mark[2]!,
      peerGroup: mark[1]!,
      localAs: localAs === 0 || localAs === globalAsn ? null : localAs,
      password: str(conf.auth_password) || null,
      localAddress: localAddress === '0.0.0.0' || localAddress === '::' ? null : localAddress,
      multihopTtl: multihop.enabled === true ? num(multihop.multihop_ttl) : null,
      family: this.familyOf(obj(first.config).family) ?? 'ipv4',
      prefixLimit: limit > 0 ? limit : null,
    };
  }

  peerOf(n: GobgpNeighborSpec): object {
    const family = this.familyMessage(n.family);
    return {
      conf: {
        neighbor_address: n.address,
        peer_asn: n.peerAs,
        description: markedDescription(n.peerGroup, n.description),
        local_asn: n.localAs ?? 0,
        auth_password: n.password ?? '',
      },
      ...(n.localAddress !== null ? { transport: { local_address: n.localAddress } } : {}),
      ...(n.multihopTtl !== null ? { ebgp_multihop: { enabled: true, multihop_ttl: n.multihopTtl } } : {}),
      afi_safis: [
        {
          config: { family, enabled: true },
          ...(n.prefixLimit !== null ? { prefix_limits: { family, max_prefixes: n.prefixLimit } } : {}),
        },
      ],
    };
  }

  async addPeer(n: GobgpNeighborSpec): Promise<void> {
    await this.unary('AddPeer', { peer: this.peerOf(n) });
  }

  async deletePeer(address: string): Promise<void> {
    await this.unary('DeletePeer', { address });
  }

  /** Makes neighbor set `name` hold exactly `addresses` (adds and removes entries; never deletes the set). */
  async syncSet(name: string, addresses: readonly string[], current: readonly string[] | undefined) {
    const now = new Set(current ?? []);
    const wanted = new Set(addresses);
    const add = [...wanted].filter((a) => !now.has(a));
    const remove = [...now].filter((a) => !wanted.has(a));
    // The API takes a neighbor set's entries as prefixes.
    const prefix = (a: string) => `${a}/${a.includes(':') ? 128 : 32}`;
    const set = (list: string[]) => ({
      defined_type: this.enums.definedType.neighbor,
      name,
      list: list.map(prefix),
    });
    if (add.length > 0) await this.unary('AddDefinedSet', { defined_set: set(add) });
    if (remove.length > 0) await this.unary('DeleteDefinedSet', { defined_set: set(remove), all: false });
  }

  async readSaved(): Promise<SavedState | null> {
    const sets = await this.list(
      'ListDefinedSet',
      { defined_type: this.enums.definedType.asPath, name: '' },
      true,
    );
    const entry = sets.map((r) => obj(r.defined_set)).find((s) => str(s.name) === ROLLBACK_SET);
    if (!entry) return null;
    const hex = (Array.isArray(entry.list) ? entry.list : [])
      .map(str)
      .filter((e) => /^x\d{4}[0-9a-f]*$/.test(e))
      .sort()
      .map((e) => e.slice(5))
      .join('');
    try {
      return JSON.parse(Buffer.from(hex, 'hex').toString('utf8')) as SavedState;
    } catch {
      throw this.error(`the saved state in defined set ${ROLLBACK_SET} cannot be read`);
    }
  }

  async writeSaved(state: SavedState): Promise<void> {
    const hex = Buffer.from(JSON.stringify(state), 'utf8').toString('hex');
    const list: string[] = [];
    for (let i = 0; i * CHUNK < hex.length; i += 1) {
      list.push(`x${String(i).padStart(4, '0')}${hex.slice(i * CHUNK, (i + 1) * CHUNK)}`);
    }
    await this.unary(
      'AddDefinedSet',
      { defined_set: { defined_type: this.enums.definedType.asPath, name: ROLLBACK_SET, list } },
      `AddDefinedSet ${ROLLBACK_SET} (the state before the change, ${hex.length / 2} bytes)`,
    );
  }

  async dropSaved(): Promise<void> {
    await this.unary(
      'DeleteDefinedSet',
      { defined_set: { defined_type: this.enums.definedType.asPath, name: ROLLBACK_SET }, all: true },
      `DeleteDefinedSet ${ROLLBACK_SET}`,
    );
  }
}

/** `192.0.2.2/32` (how gobgpd lists a neighbor set's entry) as `192.0.2.2`. */
function hostOf(entry: string): string {
  const m = /^(.*)\/(32|128)$/.exec(entry);
  return canonicalIp(m ? m[1]! : entry) ?? entry;
}

function apiOf(t: DeviceTransport, steps: DeviceStep[]): Api {
  if (!isGobgpGrpcTransport(t)) {
    throw new DeviceError('the GoBGP gRPC driver needs a gRPC connection (transport grpc)');
  }
  return new Api(t, steps);
}

/** What peerflow manages on the daemon now, as a plan (its neighbors, their groups and sets, the assignment). */
async function managedNow(api: Api) {
  const global = await api.global();
  const peers = await api.peers();
  const all = peers.map((p) => ({ peer: p, spec: api.specOf(p, global.asn) }));
  const neighbors = all.flatMap((x) => (x.spec ? [x.spec] : []));
  const operators = new Set(
    all.filter((x) => x.spec === null).map((x) => canonicalIp(str(obj(x.peer.conf).neighbor_address)) ?? ''),
  );
  const [sets, importPolicy, exportPolicy] = [
    await api.neighborSets(),
    await api.assignment('import'),
    await api.assignment('export'),
  ];
  return { global, neighbors, operators, sets, importPolicy, exportPolicy };
}

const byFamilyThenName = (
  a: { name: string; family: GobgpFamily },
  b: { name: string; family: GobgpFamily },
) => (a.family === b.family ? a.name.localeCompare(b.name) : a.family === 'ipv4' ? -1 : 1);

const sameAssignment = (a: GobgpPolicyAssignment, b: GobgpPolicyAssignment) =>
  a.defaultAction === b.defaultAction && a.policies.join('\n') === b.policies.join('\n');

/** Puts the neighbors peerflow manages in the state `wanted`, starting from `current`. */
async function putNeighbors(
  api: Api,
  current: readonly GobgpNeighborSpec[],
  wanted: readonly GobgpNeighborSpec[],
): Promise<void> {
  const now = new Map(current.map((n) => [n.address, n]));
  const next = new Map(wanted.map((n) => [n.address, n]));
  for (const n of current) {
    const keep = next.get(n.address);
    if (!keep || !sameNeighbor(n, keep)) await api.deletePeer(n.address);
  }
  for (const n of wanted) {
    const was = now.get(n.address);
    if (!was || !sameNeighbor(was, n)) await api.addPeer(n);
  }
}

export const gobgpGrpcDriver: DeviceDriver = {
  platform: gobgp.id,

  async identity(t, _o, steps) {
    const api = apiOf(t, steps);
    const { pkg, service } = GOBGP_SERVICES[api.t.apiVersion];
    const answer = await api.tryUnary('GetBgp', {});
    if (!answer.ok) {
      if (answer.codeName === 'UNIMPLEMENTED') {
        const other = api.t.apiVersion === 'v3' ? 'v4' : 'v3';
        const probe = await api.t.probe(other);
        const o = GOBGP_SERVICES[other];
        steps.push({
          command: `GetBgp {} (as ${o.pkg}.${o.service})`,
          exitCode: probe.ok ? 0 : probe.code,
          stdout: '',
          stderr: probe.ok ? '' : `${probe.codeName}: ${probe.details}`,
        });
        if (probe.ok) {
          throw api.error(
            `gobgpd at ${api.t.where} serves GoBGP's ${other} API (${o.pkg}.${o.service}), not the ${api.t.apiVersion} API (${pkg}.${service}) the connection pins in api_version; nothing was written`,
          );
        }
      }
      throw api.error(
        `gobgpd at ${api.t.where} did not answer GetBgp of GoBGP's ${api.t.apiVersion} API (${pkg}.${service}): ${answer.codeName}: ${answer.details}`,
      );
    }
    const global = obj(answer.value.global);
    const routerId = canonicalIp(str(global.router_id));
    if (!routerId || num(global.asn) === 0) {
      throw api.error('gobgpd has not started BGP: GetBgp reports no AS and router id');
    }
    return {
      routerId,
      asn: num(global.asn),
      version: `gobgpd (GoBGP ${api.t.apiVersion} API, ${pkg}.${service})`,
    };
  },

  async readManaged(t, _o, steps) {
    const api = apiOf(t, steps);
    const now = await managedNow(api);
    const groupNames = [...new Set(now.neighbors.map((n) => n.peerGroup))];
    const groups = groupNames
      .map((name) => ({
        name,
        family: now.neighbors.find((n) => n.peerGroup === name)!.family,
      }))
      .sort(byFamilyThenName);
    const order = new Map(groups.map((g, i) => [g.name, i]));
    const neighbors = [...now.neighbors].sort(
      (a, b) => order.get(a.peerGroup)! - order.get(b.peerGroup)! || a.address.localeCompare(b.address),
    );
    return renderGobgpPlan({
      asn: now.global.asn,
      routerId: now.global.routerId,
      importPolicy: now.importPolicy,
      exportPolicy: now.exportPolicy,
      groups,
      neighborSets: groups
        .filter((g) => now.sets.has(g.name))
        .map((g) => ({ name: g.name, addresses: now.sets.get(g.name)! })),
      neighbors,
    });
  },

  async validate(t, _o, candidate, steps) {
    const api = apiOf(t, steps);
    staged.delete(t);
    const plan = parseGobgpPlan(candidate);
    if (typeof plan === 'string') return { ok: false, reason: `not sent over GoBGP's API: ${plan}` };
    const now = await managedNow(api);
    if (
      (plan.asn !== null && plan.asn !== now.global.asn) ||
      (plan.routerId !== null && plan.routerId !== now.global.routerId)
    ) {
      return {
        ok: false,
        reason:
          `gobgpd runs AS${now.global.asn} with router id ${now.global.routerId}; the candidate's [global.config] ` +
          `says AS${plan.asn ?? '?'} and ${plan.routerId ?? '?'}, which gobgpd takes only when it starts`,
      };
    }
    if ((await api.readSaved()) !== null) {
      return {
        ok: false,
        reason: `an earlier change is neither confirmed nor rolled back (defined set ${ROLLBACK_SET} is on the daemon)`,
      };
    }
    const policies = new Set(
      (await api.list('ListPolicy', { name: '' })).map((r) => str(obj(r.policy).name)),
    );
    const missing = [...plan.importPolicy.policies, ...plan.exportPolicy.policies].filter(
      (p) => !policies.has(p),
    );
    if (missing.length > 0) {
      return { ok: false, reason: `gobgpd defines no policy ${[...new Set(missing)].join(', ')}` };
    }
    const declared = new Set(plan.groups.map((g) => g.name));
    const noGroup = plan.neighbors.filter((n) => n.peerGroup !== '' && !declared.has(n.peerGroup));
    if (noGroup.length > 0) {
      return {
        ok: false,
        reason: `neighbors ${noGroup.map((n) => n.address).join(', ')} name a peer group the candidate does not declare`,
      };
    }
    const taken = plan.neighbors.filter((n) => now.operators.has(n.address));
    if (taken.length > 0) {
      return {
        ok: false,
        reason: `${taken.map((n) => n.address).join(', ')} ${taken.length === 1 ? 'is a neighbor' : 'are neighbors'} of the operator's on the daemon (its description has no peerflow/ mark): peerflow leaves ${taken.length === 1 ? 'it' : 'them'} alone`,
      };
    }
    staged.set(t, plan);
    return { ok: true };
  },

  async apply(t, _o, _confirmSeconds, steps) {
    const api = apiOf(t, steps);
    const plan = staged.get(t);
    if (!plan) throw api.error('No validated candidate on this connection: validate first');
    staged.delete(t);
    const now = await managedNow(api);
    const setNames = [
      ...new Set([...now.neighbors.map((n) => n.peerGroup), ...plan.neighborSets.map((s) => s.name)]),
    ].filter((n) => n !== '');
    await api.writeSaved({
      neighbors: now.neighbors,
      sets: Object.fromEntries(setNames.map((n) => [n, now.sets.get(n) ?? []])),
      importPolicy: now.importPolicy,
      exportPolicy: now.exportPolicy,
    });
    if (!sameAssignment(now.importPolicy, plan.importPolicy))
      await api.setAssignment('import', plan.importPolicy);
    if (!sameAssignment(now.exportPolicy, plan.exportPolicy))
      await api.setAssignment('export', plan.exportPolicy);
    const wantedSets = new Map(plan.neighborSets.map((s) => [s.name, s.addresses]));
    for (const name of setNames) await api.syncSet(name, wantedSets.get(name) ?? [], now.sets.get(name));
    await putNeighbors(api, now.neighbors, plan.neighbors);
  },

  async confirm(t, _o, steps) {
    const api = apiOf(t, steps);
    if ((await api.readSaved()) !== null) await api.dropSaved();
  },

  async rollback(t, _o, steps) {
    const api = apiOf(t, steps);
    staged.delete(t);
    const saved = await api.readSaved();
    if (saved === null) return;
    const now = await managedNow(api);
    await putNeighbors(api, now.neighbors, saved.neighbors);
    for (const [name, addresses] of Object.entries(saved.sets)) {
      await api.syncSet(name, addresses, now.sets.get(name));
    }
    if (!sameAssignment(now.importPolicy, saved.importPolicy))
      await api.setAssignment('import', saved.importPolicy);
    if (!sameAssignment(now.exportPolicy, saved.exportPolicy))
      await api.setAssignment('export', saved.exportPolicy);
    await api.dropSaved();
  },

  async neighbors(t, _o, steps) {
    const api = apiOf(t, steps);
    const states = api.enums.sessionStates;
    return (await api.peers()).map((p): NeighborState => {
      const conf = obj(p.conf);
      const state = obj(p.state);
      const address = str(state.neighbor_address) || str(conf.neighbor_address);
      const peerIp = canonicalIp(address);
      if (!peerIp)
        throw api.error(`ListPeer: neighbor address ${JSON.stringify(address)} is not an IP address`);
      const session = num(state.session_state);
      const name: NeighborStateName | undefined = api.enums.adminDown.includes(num(state.admin_state))
        ? 'admin_down'
        : (states[session] as NeighborStateName | undefined);
      if (!name) throw api.error(`ListPeer: neighbor ${peerIp}: unknown session state ${session}`);
      const families = (Array.isArray(p.afi_safis) ? p.afi_safis : []).map((a) => obj(obj(a).state));
      const asn = num(state.peer_asn) || num(conf.peer_asn);
      return {
        peerIp,
        peerAsn: asn > 0 ? asn : null,
        state: name,
        prefixesReceived: families.length > 0 ? families.reduce((n, f) => n + num(f.received), 0) : null,
        prefixesAccepted: families.length > 0 ? families.reduce((n, f) => n + num(f.accepted), 0) : null,
      };
    });
  },
};
