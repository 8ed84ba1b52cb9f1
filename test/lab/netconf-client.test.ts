import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BASE_1_1,
  children,
  escapeXml,
  NetconfRpcError,
  type NetconfSession,
  openNetconf,
  ops,
  path,
  text,
} from '../../shared/devices/netconf';
import {
  ncclientSkipReason,
  type NetconfServer,
  netconfAvailable,
  startNetconfServer,
} from '../support/netconf/server';

/**
 * The NETCONF client against a real server: yuma123's netconfd behind sshd on loopback, with the
 * ietf-interfaces module to write config into. ncclient, a well-known client, is the reference.
 */
const IF_NS = 'urn:ietf:params:xml:ns:yang:ietf-interfaces';
const interfaceConfig = (name: string, description: string, operation?: 'delete') =>
  `<interfaces xmlns="${IF_NS}"><interface${operation ? ` xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="${operation}"` : ''}>` +
  `<name>${escapeXml(name)}</name>` +
  (operation
    ? ''
    : `<type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:ethernetCsmacd</type><description>${escapeXml(description)}</description>`) +
  '</interface></interfaces>';
const interfacesFilter = { subtree: `<interfaces xmlns="${IF_NS}"/>` };

/** The interfaces of a datastore: name -> description. */
async function interfaces(s: NetconfSession, source: 'running' | 'candidate'): Promise<Map<string, string>> {
  const reply = await s.rpc(ops.getConfig(source, interfacesFilter));
  const list = children(path(reply.root, 'data', 'interfaces'), 'interface');
  return new Map(list.map((i) => [text(path(i, 'name')) ?? '', text(path(i, 'description')) ?? '']));
}

async function eventually<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  ms = 20_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`${what}: not so after ${ms} ms`);
    // netconfd checks its confirm timer when idle: polling too often holds the rollback off.
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** Runs a Python snippet with ncclient connected to the server as `m`; returns its stdout. */
function ncclient(server: NetconfServer, body: string): string {
  const script = [
    'import json, sys',
    'from ncclient import manager',
    `m = manager.connect(host=${JSON.stringify(server.host)}, port=${server.port}, username='root', key_filename=${JSON.stringify(server.privateKeyPath)}, hostkey_verify=False, allow_agent=False, look_for_keys=False, timeout=20)`,
    body,
    'm.close_session()',
  ].join('\n');
  const r = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`ncclient failed: ${r.stderr}`);
  return r.stdout;
}

describe.skipIf(!netconfAvailable())('the NETCONF client against netconfd', () => {
  let server: NetconfServer;
  const sessions: NetconfSession[] = [];
  const open = async (offerBase11 = true) => {
    const s = await openNetconf({
      host: server.host,
      port: server.port,
      username: server.username,
      privateKey: server.privateKey,
      hostKeySha256: server.hostKeySha256,
      offerBase11,
      rpcTimeoutMs: 20_000,
    });
    sessions.push(s);
    return s;
  };

  beforeAll(async () => {
    server = await startNetconfServer();
  }, 60_000);

  afterEach(async (ctx) => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    if (ctx.task.result?.state === 'fail') {
      const log = readFileSync(server.logFile, 'utf8').split('\n');
      console.error(`netconfd's log, its last lines:\n${log.slice(-150).join('\n')}`);
    }
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('exchanges hellos: the server announces the candidate datastore and confirmed commit, and chunked framing is used when both offer base:1.1', async () => {
    const s = await open();
    expect(s.has(ops.CAP_CANDIDATE)).toBe(true);
    expect(s.has(ops.CAP_CONFIRMED_COMMIT)).toBe(true);
    expect(s.has(ops.CAP_CONFIRMED_COMMIT_11)).toBe(true);
    expect(s.has(BASE_1_1)).toBe(true);
    expect(s.messageFraming).toBe('chunked');
    expect(s.sessionId).toMatch(/^\d+$/);
    const old = await open(false);
    expect(old.messageFraming).toBe('eom');
    // Both framings carry a whole RPC and its reply.
    for (const session of [s, old]) {
      const reply = await session.rpc(ops.get({ subtree: `<interfaces xmlns="${IF_NS}"/>` }));
      expect(path(reply.root, 'data')).toBeDefined();
    }
  });

  it('rolls a confirmed commit back when its timeout passes without a confirming commit', async () => {
    const s = await open();
    await s.rpc(ops.editConfig('candidate', interfaceConfig('pf-timeout', 'gone soon')));
    await s.rpc(ops.commit({ confirmed: true, timeoutSeconds: 2 }));
    expect((await interfaces(s, 'running')).has('pf-timeout')).toBe(true);
    await eventually(
      'the confirmed commit reverting',
      () => interfaces(s, 'running'),
      (m) => !m.has('pf-timeout'),
    );
  });

  it.skipIf(ncclientSkipReason() !== null)('sees the same capabilities as ncclient', async () => {
    const s = await open();
    const theirs = JSON.parse(
      ncclient(server, 'print(json.dumps(sorted(m.server_capabilities)))'),
    ) as string[];
    expect([...s.capabilities].sort()).toEqual(theirs);
  });

  it.each([
    ['base:1.1 chunked', true],
    ['base:1.0 end-of-message', false],
  ])(
    'locks the candidate, edits and commits it (%s); values with XML syntax come back as written',
    async (_name, base11) => {
      const s = await open(base11);
      const name = `pf-edit-${base11 ? 'c' : 'e'}`;
      const description = `peer <AS64500> & "friends" 'quoted' ]]>]]>`;
      await s.rpc(ops.lock('candidate'));
      await s.rpc(ops.editConfig('candidate', interfaceConfig(name, description)));
      expect((await interfaces(s, 'candidate')).get(name)).toBe(description);
      expect((await interfaces(s, 'running')).has(name)).toBe(false);
      await s.rpc(ops.commit());
      await s.rpc(ops.unlock('candidate'));
      expect((await interfaces(s, 'running')).get(name)).toBe(description);
    },
  );

  it('refuses a second lock of the candidate with a lock-denied rpc-error naming the holder', async () => {
    const a = await open();
    const b = await open();
    await a.rpc(ops.lock('candidate'));
    const err = await b.rpc(ops.lock('candidate')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetconfRpcError);
    const rpcError = err as NetconfRpcError;
    expect(rpcError.operation).toBe('lock');
    expect(rpcError.errors[0]?.tag).toBe('lock-denied');
    expect(rpcError.errors[0]?.info['session-id']).toBe(a.sessionId);
    expect(rpcError.message).toMatch(/^lock refused: /);
    await a.rpc(ops.unlock('candidate'));
    await b.rpc(ops.lock('candidate'));
    await b.rpc(ops.unlock('candidate'));
  });

  it('turns an invalid value into an rpc-error with its message and path, and the session goes on', async () => {
    const s = await open();
    const bad =
      `<interfaces xmlns="${IF_NS}"><interface><name>pf-bad</name>` +
      '<type xmlns:ianaift="urn:ietf:params:xml:ns:yang:iana-if-type">ianaift:noSuchType</type></interface></interfaces>';
    const err = await s.rpc(ops.editConfig('candidate', bad)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetconfRpcError);
    expect((err as NetconfRpcError).errors[0]?.tag).toBe('invalid-value');
    expect((err as NetconfRpcError).message).toMatch(/edit-config refused: .*invalid value/i);
    await s.rpc(ops.discardChanges());
    expect((await interfaces(s, 'candidate')).has('pf-bad')).toBe(false);
  });

  it('validates the candidate: a valid one answers ok, and nothing reaches running', async () => {
    // netconfd 2.13 then commits nothing of what the candidate held: peerflow validates on a
    // candidate it discards or loads again before committing.
    const s = await open();
    await s.rpc(ops.editConfig('candidate', interfaceConfig('pf-validate', 'checked')));
    const reply = await s.rpc(ops.validate('candidate'));
    expect(path(reply.root, 'ok')).toBeDefined();
    expect((await interfaces(s, 'running')).has('pf-validate')).toBe(false);
    await s.rpc(ops.discardChanges());
  });

  it('discards the candidate changes', async () => {
    const s = await open();
    await s.rpc(ops.editConfig('candidate', interfaceConfig('pf-discard', 'x')));
    expect((await interfaces(s, 'candidate')).has('pf-discard')).toBe(true);
    await s.rpc(ops.discardChanges());
    expect((await interfaces(s, 'candidate')).has('pf-discard')).toBe(false);
  });

  it('keeps a persistent confirmed commit confirmed from another session, past its timeout', async () => {
    const a = await open();
    await a.rpc(ops.editConfig('candidate', interfaceConfig('pf-persist', 'kept')));
    await a.rpc(ops.commit({ confirmed: true, timeoutSeconds: 3, persist: 'peerflow-test' }));
    await a.close();
    const b = await open();
    await b.rpc(ops.commit({ persistId: 'peerflow-test' }));
    // Past the timeout the interface is still there: the commit was confirmed.
    await new Promise((r) => setTimeout(r, 4500));
    expect((await interfaces(b, 'running')).get('pf-persist')).toBe('kept');
    await b.rpc(ops.editConfig('candidate', interfaceConfig('pf-persist', '', 'delete')));
    await b.rpc(ops.commit());
  });

  it('cancels a persistent confirmed commit at once with cancel-commit', async () => {
    const a = await open();
    await a.rpc(ops.editConfig('candidate', interfaceConfig('pf-cancel', 'cancelled')));
    await a.rpc(ops.commit({ confirmed: true, timeoutSeconds: 600, persist: 'peerflow-cancel' }));
    expect((await interfaces(a, 'running')).has('pf-cancel')).toBe(true);
    await a.rpc(ops.cancelCommit('peerflow-cancel'));
    expect((await interfaces(a, 'running')).has('pf-cancel')).toBe(false);
  });

  it.skipIf(ncclientSkipReason() !== null)(
    'writes config ncclient reads back, and reads config ncclient wrote',
    async () => {
      const s = await open();
      await s.rpc(
        ops.editConfig('candidate', interfaceConfig('pf-ours', 'written by peerflow & read by ncclient')),
      );
      await s.rpc(ops.commit());
      const seen = ncclient(
        server,
        `r = m.get_config(source='running', filter=('subtree', '<interfaces xmlns="${IF_NS}"/>'))\nprint(r.data_xml)`,
      );
      expect(seen).toContain('<description>written by peerflow &amp; read by ncclient</description>');
      ncclient(
        server,
        `m.edit_config(target='candidate', config='<config>${interfaceConfig('pf-theirs', 'from ncclient')}</config>')\nm.commit()`,
      );
      expect((await interfaces(s, 'running')).get('pf-theirs')).toBe('from ncclient');
    },
  );

  it('ends the session with close-session: a later RPC on it fails with a clear error', async () => {
    const s = await open();
    await s.close();
    await expect(s.rpc(ops.get())).rejects.toThrow(/closed/);
  });
});
