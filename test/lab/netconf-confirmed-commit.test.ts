import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { iosxrDriver, type DeviceOptions, type DeviceStep } from '../../shared/devices';
import {
  children,
  escapeXml,
  type NetconfTransport,
  openNetconfTransport,
  ops,
  path,
  text,
} from '../../shared/devices/netconf';
import { type NetconfServer, netconfAvailable, startNetconfServer } from '../support/netconf/server';

/**
 * The IOS XR driver's commit steps (confirmed commit with persist, confirm, cancel) against a real
 * NETCONF server, each on a connection of its own as in AWS, where every step is a new call. The
 * candidate is staged by hand with a module netconfd has (the driver's own staging speaks XR's
 * CLI-config model, which netconfd does not).
 */
const IF_NS = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
const O: DeviceOptions = {
  managedPath: '/peerflow',
  mainConfigPath: '/peerflow',
  basePath: null,
  controlSocket: null,
  sudo: false,
};

describe.skipIf(!netconfAvailable())('the IOS XR commit steps against netconfd', () => {
  let server: NetconfServer;
  const open: NetconfTransport[] = [];
  const connect = async () => {
    const t = await openNetconfTransport({
      host: server.host,
      port: server.port,
      username: server.username,
      privateKey: server.privateKey,
      hostKeySha256: server.hostKeySha256,
    });
    open.push(t);
    return t;
  };
  const running = async (t: NetconfTransport) => {
    const reply = await t.netconf.rpc(
      ops.getConfig('running', { subtree: `<interfaces xmlns="${IF_NS}"/>` }),
    );
    return children(path(reply.root, 'data', 'interfaces'), 'interface').map((i) => text(path(i, 'name')));
  };
  const stage = async (t: NetconfTransport, name: string) => {
    await t.netconf.rpc(ops.lock('candidate'));
    await t.netconf.rpc(
      ops.editConfig(
        'candidate',
        `<interfaces xmlns="${IF_NS}"><interface><name>${escapeXml(name)}</name><type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type></interface></interfaces>`,
      ),
    );
  };

  beforeAll(async () => {
    server = await startNetconfServer();
  }, 60_000);
  afterEach(async () => {
    await Promise.all(open.splice(0).map((t) => t.close()));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('applies with a persistent confirmed commit that a later connection confirms; every RPC is recorded', async () => {
    const first = await connect();
    await stage(first, 'pf-xr-confirm');
    const steps: DeviceStep[] = [];
    await iosxrDriver.apply(first, O, 3, steps);
    expect(steps[0]?.command).toContain(
      '<confirmed/><confirm-timeout>3</confirm-timeout><persist>peerflow</persist>',
    );
    expect(steps[0]?.exitCode).toBe(0);
    await first.close();
    const second = await connect();
    await iosxrDriver.confirm(second, O, []);
    await new Promise((r) => setTimeout(r, 4500));
    expect(await running(second)).toContain('pf-xr-confirm');
  });

  it('rolls back from a later connection at once with cancel-commit', async () => {
    const first = await connect();
    await stage(first, 'pf-xr-cancel');
    await iosxrDriver.apply(first, O, 600, []);
    await first.close();
    const second = await connect();
    expect(await running(second)).toContain('pf-xr-cancel');
    await iosxrDriver.rollback(second, O, []);
    expect(await running(second)).not.toContain('pf-xr-cancel');
  });

  it('rolls back safely when nothing was applied: the refused cancel is recorded, nothing changes', async () => {
    const t = await connect();
    const before = await running(t);
    const steps: DeviceStep[] = [];
    await iosxrDriver.rollback(t, O, steps);
    expect(steps.find((s) => s.command.startsWith('<cancel-commit>'))?.exitCode).toBe(1);
    expect(await running(t)).toEqual(before);
  });
});
