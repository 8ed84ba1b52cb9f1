import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, render, type RenderSession } from '../../shared/config-render';
import {
  DeviceError,
  type DeviceDriver,
  type DeviceOptions,
  type DeviceStep,
  type DeviceTransport,
  deviceDriver,
  type NeighborState,
  applyAndRead,
  surveyDevice,
} from '../../shared/devices';
import { createLab, type Lab, LAB_DAEMONS, type LabDaemonName, labAvailable } from '../support/lab';
import { routerTransport } from '../support/lab-transport';
import { waitFor } from '../support/lab/system';

/**
 * Each daemon's driver against the real daemon of a lab's router host, reached the way production
 * reaches a router: every command through the management transport. The lab's peer announces known
 * prefixes over TCP-MD5; peerflow's candidates are rendered by config-render.
 */

/** How long a session may take to come up or go down in the lab (the peer retries every few seconds). */
const SESSION_TIMEOUT_MS = 60_000;
/** A test that waits for sessions twice, with room for the commands around the waits. */
const TEST_TIMEOUT_MS = 3 * SESSION_TIMEOUT_MS;

function peerSessions(lab: Lab, password: string): RenderSession[] {
  return (['ipv4', 'ipv6'] as const).map((family) => ({
    peer_ipaddr: lab.peer.lan[family],
    peer_asn: lab.peer.asn,
    peer_name: 'Lab Peer',
    peer_group: 'peers',
    prfx_max: 100,
    password,
    note: null,
    source_ipaddr: null,
    source_asn: lab.router.asn,
  }));
}

function candidateFor(platform: Platform, lab: Lab, password = lab.peer.password): string {
  const { router } = lab;
  return render(
    platform,
    { hostname: router.hostname, asn: router.asn, router_id: router.routerId },
    peerSessions(lab, password),
  );
}

const emptyConfig = (platform: Platform, lab: Lab) =>
  render(
    platform,
    { hostname: lab.router.hostname, asn: lab.router.asn, router_id: lab.router.routerId },
    [],
  );

/** A config the daemon's parser refuses: the candidate with a neighbor cut in half. */
function brokenCandidate(platform: Platform, lab: Lab): string {
  const good = candidateFor(platform, lab);
  const cut = good.indexOf(lab.peer.lan.ipv4);
  return `${good.slice(0, cut)}${lab.peer.lan.ipv4} {{{\n`;
}

interface Bench {
  lab: Lab;
  driver: DeviceDriver;
  transport: DeviceTransport;
  options: DeviceOptions;
}

async function neighborsNow(b: Bench): Promise<NeighborState[]> {
  return b.driver.neighbors(b.transport, b.options, []);
}

/**
 * Waits until both sessions with the peer are established with every announced prefix, on the
 * driver's word; an FRR router that has not got there is started over, twice at most (see the lab).
 */
async function peerRoutesUp(b: Bench): Promise<NeighborState[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await peerRoutesUpOnce(b);
    } catch (e) {
      if (attempt === 3 || !(await b.lab.startFrrSessionsOver((e as Error).message))) throw e;
    }
  }
}

async function peerRoutesUpOnce(b: Bench): Promise<NeighborState[]> {
  const { peer } = b.lab;
  let last: NeighborState[] = [];
  try {
    return await waitFor(
      'both sessions with the peer established with all its prefixes',
      async () => {
        last = await neighborsNow(b);
        const ok = (['ipv4', 'ipv6'] as const).every((f) => {
          const n = last.find((x) => x.peerIp === peer.lan[f]);
          const routes = n?.prefixesAccepted ?? n?.prefixesReceived;
          return n?.state === 'established' && routes === peer.prefixes[f].length;
        });
        return ok ? last : null;
      },
      SESSION_TIMEOUT_MS,
      500,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; last seen ${JSON.stringify(last)}`, { cause: e });
  }
}

/** Waits until no session with the peer is established. */
async function peerSessionsDown(b: Bench): Promise<NeighborState[]> {
  const peerIps = [b.lab.peer.lan.ipv4, b.lab.peer.lan.ipv6];
  return waitFor(
    'both sessions with the peer down',
    async () => {
      const now = await neighborsNow(b);
      const up = now.filter((n) => peerIps.includes(n.peerIp) && n.state === 'established');
      return up.length === 0 ? now : null;
    },
    SESSION_TIMEOUT_MS,
    500,
  );
}

describe.skipIf(!labAvailable())('device drivers against the lab', () => {
  describe.each(LAB_DAEMONS)('%s', (name: LabDaemonName) => {
    const platform = name as Platform;
    const driver = deviceDriver(platform)!;
    let b: Bench;

    beforeAll(async () => {
      const lab = await createLab({ router: name });
      try {
        b = { lab, driver, transport: await routerTransport(lab), options: lab.router.daemon.deviceOptions };
      } catch (e) {
        await lab.destroy();
        throw e;
      }
    }, 120_000);

    afterAll(async () => {
      await b?.transport.close();
      await b?.lab.destroy();
    });

    it('has a driver for the platform', () => {
      expect(driver.platform).toBe(platform);
    });

    it('reports the router id, AS and version the daemon runs with', async () => {
      const steps: DeviceStep[] = [];
      const identity = await driver.identity(b.transport, b.options, steps);
      expect(identity.routerId).toBe(b.lab.router.routerId);
      // BIRD has no router-wide AS: with no BGP session yet there is nothing to tell it from.
      if (identity.asn !== null || platform !== 'bird2') expect(identity.asn).toBe(b.lab.router.asn);
      expect(identity.version).toMatch(/\d+\.\d+/);
      expect(steps.length).toBeGreaterThan(0);
      expect(steps.every((s) => s.exitCode === 0)).toBe(true);
    });

    it('surveys in one round trip what identity, readManaged and neighbors report one by one', async () => {
      const execs: string[] = [];
      const counted: DeviceTransport = {
        exec: (command, options) => {
          execs.push(command);
          return b.transport.exec(command, options);
        },
        close: () => b.transport.close(),
      };
      const steps: DeviceStep[] = [];
      const survey = await surveyDevice(driver, counted, b.options, steps);
      expect(execs).toHaveLength(1);
      // Each command of the round trip is recorded as if run alone, with its own answer.
      expect(steps.length).toBeGreaterThan(2);
      expect(steps.every((s) => s.command !== 'sh -s')).toBe(true);
      expect(survey.identity).toEqual(await driver.identity(b.transport, b.options, []));
      expect(survey.managed).toBe(await driver.readManaged(b.transport, b.options, []));
      expect(survey.managed).toBe(emptyConfig(platform, b.lab));
      expect(survey.neighbors).toEqual(await neighborsNow(b));
    });

    it('reads the managed file as the lab wrote it', async () => {
      expect(await driver.readManaged(b.transport, b.options, [])).toBe(emptyConfig(platform, b.lab));
    });

    it('accepts a good candidate and refuses a broken one, without changing what runs', async () => {
      const before = await neighborsNow(b);
      const good = await driver.validate(b.transport, b.options, candidateFor(platform, b.lab), []);
      expect(good).toEqual({ ok: true });

      // With a survey, the files it read are not read again: the same verdicts.
      const survey = await surveyDevice(driver, b.transport, b.options, []);
      const steps: DeviceStep[] = [];
      const surveyed = await driver.validate(
        b.transport,
        b.options,
        candidateFor(platform, b.lab),
        [],
        survey,
      );
      expect(surveyed).toEqual({ ok: true });
      const broken = await driver.validate(
        b.transport,
        b.options,
        brokenCandidate(platform, b.lab),
        steps,
        survey,
      );
      expect(broken.ok).toBe(false);
      expect(broken.ok ? '' : broken.reason).not.toBe('');

      expect(await driver.readManaged(b.transport, b.options, [])).toBe(emptyConfig(platform, b.lab));
      expect(await neighborsNow(b)).toEqual(before);
      // The candidate went in through standard input, never on a command line.
      expect(steps.some((s) => s.command.includes('{{{'))).toBe(false);
      await driver.rollback(b.transport, b.options, []);
    });

    it('refuses to apply what was not validated', async () => {
      await expect(driver.apply(b.transport, b.options, 120, [])).rejects.toBeInstanceOf(DeviceError);
    });

    it(
      'applies and confirms a candidate adding the peer: both sessions come up with its prefixes',
      async () => {
        const candidate = candidateFor(platform, b.lab);
        expect(await driver.validate(b.transport, b.options, candidate, [])).toEqual({ ok: true });
        const steps: DeviceStep[] = [];
        await driver.apply(b.transport, b.options, 120, steps);
        const up = await peerRoutesUp(b);
        await driver.confirm(b.transport, b.options, steps);

        expect(await driver.readManaged(b.transport, b.options, [])).toBe(candidate);
        for (const f of ['ipv4', 'ipv6'] as const) {
          expect(up.find((n) => n.peerIp === b.lab.peer.lan[f])).toMatchObject({
            peerAsn: b.lab.peer.asn,
            state: 'established',
          });
        }
        // Still up after the confirm.
        await peerRoutesUp(b);
        const identity = await driver.identity(b.transport, b.options, []);
        expect(identity.asn).toBe(b.lab.router.asn);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'applies then rolls back: the previous config and sessions are back',
      async () => {
        const previous = candidateFor(platform, b.lab);
        const without = emptyConfig(platform, b.lab);
        expect(await driver.validate(b.transport, b.options, without, [])).toEqual({ ok: true });
        await driver.apply(b.transport, b.options, 120, []);
        await peerSessionsDown(b);
        const gone = await neighborsNow(b);
        expect(gone.filter((n) => n.peerIp === b.lab.peer.lan.ipv4)).toEqual([]);

        await driver.rollback(b.transport, b.options, []);
        expect(await driver.readManaged(b.transport, b.options, [])).toBe(previous);
        await peerRoutesUp(b);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a wrong MD5 password breaks the sessions, and rollback brings them back',
      async () => {
        const wrong = candidateFor(platform, b.lab, 'not-the-Password9');
        expect(await driver.validate(b.transport, b.options, wrong, [])).toEqual({ ok: true });
        await driver.apply(b.transport, b.options, 120, []);
        const down = await peerSessionsDown(b);
        // The neighbors are still configured, just not established.
        expect(down.map((n) => n.peerIp)).toEqual(
          expect.arrayContaining([b.lab.peer.lan.ipv4, b.lab.peer.lan.ipv6]),
        );

        await driver.rollback(b.transport, b.options, []);
        expect(await driver.readManaged(b.transport, b.options, [])).toBe(candidateFor(platform, b.lab));
        await peerRoutesUp(b);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'reads the neighbors right after an apply, in the same round trip where the daemon allows it',
      async () => {
        const execs: string[] = [];
        const counted: DeviceTransport = {
          exec: (command, options) => {
            execs.push(command);
            return b.transport.exec(command, options);
          },
          close: () => b.transport.close(),
        };
        const wrong = candidateFor(platform, b.lab, 'not-the-Password9');
        expect(await driver.validate(b.transport, b.options, wrong, [])).toEqual({ ok: true });
        const applySteps: DeviceStep[] = [];
        const readSteps: DeviceStep[] = [];
        const first = await applyAndRead(driver, counted, b.options, 120, applySteps, readSteps);
        if (name === 'bird2') expect(execs).toHaveLength(1);
        expect(first.ok).toBe(true);
        // The neighbors of the applied config, each session with the peer configured.
        expect(first.ok ? first.neighbors.map((n) => n.peerIp) : []).toEqual(
          expect.arrayContaining([b.lab.peer.lan.ipv4, b.lab.peer.lan.ipv6]),
        );
        expect(readSteps.length).toBeGreaterThan(0);
        // BIRD: the read is recorded as the read, not as part of the apply.
        if (name === 'bird2') {
          expect(applySteps.some((s) => s.command.includes('show protocols'))).toBe(false);
          expect(readSteps.map((s) => s.command)).toEqual([expect.stringContaining('show protocols all')]);
        }

        await driver.rollback(b.transport, b.options, []);
        expect(await driver.readManaged(b.transport, b.options, [])).toBe(candidateFor(platform, b.lab));
        await peerRoutesUp(b);
      },
      TEST_TIMEOUT_MS,
    );

    // Daemon-specific behaviour: registered for that daemon only.
    if (name === 'bird2')
      it(
        'BIRD goes back by itself when its timer runs out: confirm then fails, rollback leaves the files as they were',
        async () => {
          const current = await driver.readManaged(b.transport, b.options, []);
          expect(await driver.validate(b.transport, b.options, emptyConfig(platform, b.lab), [])).toEqual({
            ok: true,
          });
          await driver.apply(b.transport, b.options, 5, []);
          await peerSessionsDown(b);
          // Nobody confirms: BIRD undoes the reconfiguration and the sessions come back.
          await peerRoutesUp(b);
          await expect(driver.confirm(b.transport, b.options, [])).rejects.toThrow(/timer ran out/);
          await driver.rollback(b.transport, b.options, []);
          expect(await driver.readManaged(b.transport, b.options, [])).toBe(current);
          await peerRoutesUp(b);
        },
        TEST_TIMEOUT_MS,
      );

    if (name === 'bird2')
      it(
        'BIRD validates, applies and reads in one round trip, and stops before the apply when the check fails',
        async () => {
          const execs: string[] = [];
          const counted: DeviceTransport = {
            exec: (command, options) => {
              execs.push(command);
              return b.transport.exec(command, options);
            },
            close: () => b.transport.close(),
          };
          const current = await driver.readManaged(b.transport, b.options, []);
          const refusedSteps = {
            validate: [] as DeviceStep[],
            apply: [] as DeviceStep[],
            read: [] as DeviceStep[],
          };
          const refused = await driver.validateAndApply!(
            counted,
            b.options,
            brokenCandidate(platform, b.lab),
            60,
            refusedSteps,
          );
          expect(refused.verdict.ok).toBe(false);
          expect(refused.applied).toBeNull();
          expect(refusedSteps.apply).toEqual([]);
          expect(refusedSteps.read).toEqual([]);
          // Nothing was applied: no marker for a rollback to act on, the sessions as they were.
          expect(existsSync(`${b.options.managedPath}.applied`)).toBe(false);
          await peerRoutesUp(b);

          const steps = { validate: [] as DeviceStep[], apply: [] as DeviceStep[], read: [] as DeviceStep[] };
          // With the look of a survey, the main config is not read again: one round trip.
          const survey = await surveyDevice(driver, b.transport, b.options, []);
          execs.length = 0;
          const wrong = candidateFor(platform, b.lab, 'not-the-Password9');
          const both = await driver.validateAndApply!(counted, b.options, wrong, 60, steps, survey);
          expect(execs).toHaveLength(1);
          expect(both.verdict).toEqual({ ok: true });
          expect(both.applied).toMatchObject({ ok: true, first: { ok: true } });
          expect(steps.validate.map((s) => s.command).join('\n')).toMatch(/configure check/);
          expect(steps.apply.map((s) => s.command).join('\n')).toMatch(/timeout 60/);
          expect(steps.read.map((s) => s.command)).toEqual([expect.stringContaining('show protocols all')]);
          await peerSessionsDown(b);

          await driver.rollback(b.transport, b.options, []);
          expect(await driver.readManaged(b.transport, b.options, [])).toBe(current);
          await peerRoutesUp(b);
        },
        TEST_TIMEOUT_MS,
      );

    if (name === 'bird2')
      it('BIRD: an apply that BIRD refuses leaves the confirmed config running, and rollback undoes nothing', async () => {
        const current = await driver.readManaged(b.transport, b.options, []);
        await peerRoutesUp(b);
        expect(await driver.validate(b.transport, b.options, emptyConfig(platform, b.lab), [])).toEqual({
          ok: true,
        });
        // The staged candidate is spoiled between validate and apply.
        const staged = `${b.options.managedPath}.candidate`;
        await b.lab.run(b.lab.router.namespace, ['sh', '-c', `cat > '${staged}'`], {
          input: 'protocol bgp {{{\n',
        });
        await expect(driver.apply(b.transport, b.options, 60, [])).rejects.toThrow(/refused/);
        // Refused with the first read asked for: nothing is read.
        const readSteps: DeviceStep[] = [];
        await expect(applyAndRead(driver, b.transport, b.options, 60, [], readSteps)).rejects.toThrow(
          /refused|No staged candidate/,
        );
        expect(readSteps).toEqual([]);
        await driver.rollback(b.transport, b.options, []);
        expect(await driver.readManaged(b.transport, b.options, [])).toBe(current);
        const now = await neighborsNow(b);
        expect(
          now
            .filter((n) => n.state === 'established')
            .map((n) => n.peerIp)
            .sort(),
        ).toEqual([b.lab.peer.lan.ipv4, b.lab.peer.lan.ipv6].sort());
      });

    if (name === 'gobgp')
      it('GoBGP refuses a candidate with another router id: gobgpd reads [global] only when it starts', async () => {
        const other = candidateFor(platform, b.lab).replace(
          `router-id = "${b.lab.router.routerId}"`,
          'router-id = "192.0.2.99"',
        );
        const result = await driver.validate(b.transport, b.options, other, []);
        expect(result).toMatchObject({ ok: false });
        expect(result.ok ? '' : result.reason).toMatch(/only when it starts/);
        await driver.rollback(b.transport, b.options, []);
      });
  });
});
