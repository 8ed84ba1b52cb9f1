import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { junosDriver } from '../../shared/devices/drivers/junos';
import { iosDriver } from '../../shared/devices/drivers/ios';
import { eosDriver } from '../../shared/devices/drivers/eos';
import { iosxrDriver } from '../../shared/devices/drivers/iosxr';
import type { DeviceStep, DeviceTransport } from '../../shared/devices';

/**
 * A one-time config an operator writes (POST /sessions/{id}/configure with `config`) is delivered
 * as written: on the vendor platforms it must stay in peerflow's part of the router's config and
 * hold only what peerflow itself writes there (BGP, its policies, routing options). Otherwise an
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
  const reached = (command: string) => {
    calls.push(command);
    throw new Error('the device was reached');
  };
  const t = {
    async exec(command: string) {
      return reached(command);
    },
    // eAPI (EOS) sends its commands in one request.
    async runCmds(cmds: readonly string[]) {
      return reached(cmds.join('; '));
    },
    async close() {},
  };
  return { calls, t: t as DeviceTransport };
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

describe('an IOS, EOS or IOS XR candidate', () => {
  const drivers = [
    ['cisco-ios', iosDriver],
    ['arista-eos', eosDriver],
    ['cisco-iosxr', iosxrDriver],
  ] as const;
  const hostile = [
    [
      'adds a login',
      'router bgp 64500\n neighbor 192.0.2.2 remote-as 64511\nusername evil privilege 15 secret 0 pwned\n',
    ],
    // IOS reads a command its submode does not know in the global mode: indentation proves nothing.
    [
      'hides a global command in the stanza',
      'router bgp 64500\n neighbor 192.0.2.2 remote-as 64511\n enable secret 0 pwned\n',
    ],
    ['turns off the login check', 'router bgp 64500\nno aaa new-model\n'],
    ['names the host', 'router bgp 64500\nhostname other\n'],
    ['opens another routing process', 'router ospf 1\n network 0.0.0.0 255.255.255.255 area 0\n'],
    ['writes a login after a policy block', 'route-policy x\n  pass\nend-policy\nusername evil\n'],
    ['leaves a block open', 'router bgp 64500\nroute-policy x\n  pass\n'],
  ] as const;
  for (const [platform, driver] of drivers) {
    it.each(hostile)(
      `${platform}: is refused before the device is reached when it %s`,
      async (_what, candidate) => {
        const { t, calls } = untouched();
        const verdict = await driver.validate(t, options, candidate, []);
        expect(verdict.ok).toBe(false);
        expect(calls).toEqual([]);
      },
    );

    it(`${platform}: passes the check when it is peerflow's own render`, async () => {
      const { t, calls } = untouched();
      const rendered = readFileSync(new URL(`../golden/${platform}.conf`, import.meta.url), 'utf8');
      await expect(driver.validate(t, options, rendered, [])).rejects.toThrow();
      expect(calls.length).toBeGreaterThan(0);
    });
  }
});
