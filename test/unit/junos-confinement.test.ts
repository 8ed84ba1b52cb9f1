import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { junosDriver } from '../../shared/devices/drivers/junos';
import type { DeviceStep, DeviceTransport } from '../../shared/devices';

/**
 * A Junos candidate goes into peerflow's configuration group, which a deployment replaces as a
 * whole. A one-time config an operator writes (POST /sessions/{id}/configure with `config`) must stay
 * there and hold only what peerflow itself writes: BGP, its policies and routing options. Otherwise an
 * operator, who may not even see the router's connection, could write the router's logins.
 */

const options = {
  managedPath: '/peerflow',
  mainConfigPath: '/peerflow',
  basePath: null,
  controlSocket: null,
  sudo: false,
};

/** A device that must not be reached: the refusal comes before any call. */
const untouched = (): { t: DeviceTransport; calls: string[] } => {
  const calls: string[] = [];
  return {
    calls,
    t: {
      async exec(command) {
        calls.push(command);
        throw new Error('the device was reached');
      },
      async close() {},
    },
  };
};

describe('a Junos candidate', () => {
  it.each([
    [
      'closes the group and writes a login',
      '}\n}\nsystem { login { user evil { class super-user; } } }\ngroups {\n replace: peerflow {\n',
    ],
    [
      'writes a login inside the group',
      'system {\n    login {\n        user evil {\n            class super-user;\n        }\n    }\n}\n',
    ],
    ['leaves a brace open', 'protocols {\n    bgp {\n'],
    ['hides a statement after a comment', 'protocols { bgp { } } /* } */ snmp { community x; }\n'],
    ['holds an unterminated string', 'protocols { bgp { description "x; } } system { } ; } }\n'],
  ])('is refused before the device is reached when it %s', async (_what, candidate) => {
    const { t, calls } = untouched();
    const steps: DeviceStep[] = [];
    const verdict = await junosDriver.validate(t, options, candidate, steps);
    expect(verdict.ok).toBe(false);
    expect(calls).toEqual([]);
  });

  it("passes the check when it is peerflow's own render", async () => {
    const { t, calls } = untouched();
    const rendered = readFileSync(new URL('../golden/junos.conf', import.meta.url), 'utf8');
    await expect(junosDriver.validate(t, options, rendered, [])).rejects.toThrow('the device was reached');
    expect(calls).toHaveLength(1);
  });
});
