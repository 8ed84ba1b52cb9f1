import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  daemonHandle,
  type LabDaemon,
  type LabGrpcApi,
  type LabSessionState,
  nsOk,
  type PeerSetup,
  type RouterSetup,
  shellLine,
  waitForDaemon,
} from './daemon';
import { runOk, startInNamespace } from './system';

/**
 * GoBGP has no include, and gobgpd refuses a policy assignment naming a policy its file does not
 * define. Router layout: `base.toml` (the operator's part: the policy definitions of the groups
 * whose policy is `external`, if any) and `managed.toml` (peerflow's part: `[global.config]`, groups, neighbor sets,
 * neighbors; peerflow renders the router's whole BGP config for GoBGP). The file gobgpd reads,
 * `gobgpd.toml`, is base then managed, byte for byte. Reload (`reloadCommand`): rebuild it with
 * `cat`, then SIGHUP gobgpd (its pid is in `gobgpd.pid`, written by the lab).
 * The gRPC API listens on 127.0.0.1:50051 inside the namespace (each namespace has its own
 * loopback), `controlSocket` is that `host:port`; the CLI is `gobgp -u 127.0.0.1 -p 50051`.
 *
 * A router started with `grpcApiAddress` serves the API with TLS (`--tls`, a self-signed
 * certificate made per lab for 127.0.0.1 and that address) on both addresses, as a router whose
 * API peerflow reaches over its management network; the CLI then speaks TLS too
 * (`--tls --tls-ca-file <cert>`). `daemon.grpcApi` says how a `grpc` connection reaches it.
 */
const API_HOST = '127.0.0.1';
const API_PORT = 50051;

function gobgpFiles(dir: string) {
  return {
    main: join(dir, 'gobgpd.toml'),
    base: join(dir, 'base.toml'),
    managed: join(dir, 'managed.toml'),
    pid: join(dir, 'gobgpd.pid'),
    log: join(dir, 'gobgpd.log'),
    cert: join(dir, 'api-cert.pem'),
    key: join(dir, 'api-key.pem'),
    clientCert: join(dir, 'client-cert.pem'),
    clientKey: join(dir, 'client-key.pem'),
  };
}

/** A self-signed P-256 certificate for `ips`, and its key, written to `certFile` and `keyFile`. */
async function selfSigned(certFile: string, keyFile: string, name: string, ips: readonly string[]) {
  await runOk([
    'openssl',
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    ...(ips.length > 0 ? ['-addext', `subjectAltName=${ips.map((ip) => `IP:${ip}`).join(',')}`] : []),
  ]);
}

async function makeGrpcApi(files: ReturnType<typeof gobgpFiles>, address: string): Promise<LabGrpcApi> {
  await selfSigned(files.cert, files.key, 'lab-gobgpd', [API_HOST, address]);
  await selfSigned(files.clientCert, files.clientKey, 'lab-peerflow', []);
  return {
    host: address,
    port: API_PORT,
    certificateSha256: new X509Certificate(readFileSync(files.cert)).fingerprint256,
    clientCertificate: readFileSync(files.clientCert, 'utf8'),
    clientKey: readFileSync(files.clientKey, 'utf8'),
  };
}

async function startGobgpd(
  setup: RouterSetup | PeerSetup,
  files: ReturnType<typeof gobgpFiles>,
  layout: { managedPath: string; basePath: string | null; reloadCommand: string },
  grpcApiAddress?: string,
): Promise<LabDaemon> {
  const grpcApi = grpcApiAddress === undefined ? undefined : await makeGrpcApi(files, grpcApiAddress);
  const tls = grpcApi ? ['--tls', '--tls-ca-file', files.cert] : [];
  const cliCommand = ['gobgp', '-u', API_HOST, '-p', String(API_PORT), ...tls];
  const child = startInNamespace(
    setup.ns,
    [
      'gobgpd',
      '-f',
      files.main,
      '-t',
      'toml',
      '--api-hosts',
      grpcApi ? `${API_HOST}:${API_PORT},${grpcApi.host}:${API_PORT}` : `${API_HOST}:${API_PORT}`,
      ...(grpcApi ? ['--tls', '--tls-cert-file', files.cert, '--tls-key-file', files.key] : []),
      '--pprof-disable',
      '--log-plain',
      '-l',
      'info',
    ],
    files.log,
  );
  if (child.pid === undefined) throw new Error('gobgpd did not start');
  setup.started(child.pid);
  // `ip netns exec` replaces itself with gobgpd: this pid is gobgpd's.
  writeFileSync(files.pid, `${child.pid}\n`);
  const daemon = daemonHandle({
    platform: 'gobgp',
    namespace: setup.ns,
    dir: setup.dir,
    mainConfigPath: files.main,
    managedPath: layout.managedPath,
    basePath: layout.basePath,
    controlSocket: `${API_HOST}:${API_PORT}`,
    pidFile: files.pid,
    logFile: files.log,
    cliCommand,
    reloadCommand: layout.reloadCommand,
    session: (ip) => gobgpSession(daemon, ip),
    pids: [child.pid],
    ...(grpcApi ? { grpcApi } : {}),
  });
  await waitForDaemon(
    `gobgpd in ${setup.ns}`,
    async () => (await daemon.cli(['global'])).stdout.includes('AS:'),
    files.log,
  );
  return daemon;
}

function policyDefinition(name: string): string {
  return [
    '[[policy-definitions]]',
    `  name = "${name}"`,
    '  [[policy-definitions.statements]]',
    `    name = "${name}_accept"`,
    '    [policy-definitions.statements.actions]',
    '      route-disposition = "accept-route"',
    '',
  ].join('\n');
}

export async function startGobgpRouter(setup: RouterSetup): Promise<LabDaemon> {
  mkdirSync(setup.dir, { recursive: true });
  const files = gobgpFiles(setup.dir);
  writeFileSync(
    files.base,
    [
      `# The lab's router ${setup.hostname}: the operator's part, read before peerflow's managed part.`,
      '# The operator policies of the groups whose policy is external, if any: accept everything.',
      ...setup.policies.map(policyDefinition),
    ].join('\n'),
  );
  writeFileSync(files.managed, setup.managed);
  const assemble = `cat ${files.base} ${files.managed} > ${files.main}`;
  await nsOk(setup.ns, ['sh', '-c', assemble]);
  return startGobgpd(
    setup,
    files,
    {
      managedPath: files.managed,
      basePath: files.base,
      reloadCommand: `${assemble} && kill -HUP "$(cat ${files.pid})"`,
    },
    setup.grpcApiAddress,
  );
}

export async function startGobgpPeer(setup: PeerSetup): Promise<LabDaemon> {
  mkdirSync(setup.dir, { recursive: true });
  const files = gobgpFiles(setup.dir);
  const { plan } = setup;
  const neighbor = (family: 'ipv4' | 'ipv6') =>
    [
      '[[neighbors]]',
      '  [neighbors.config]',
      `    neighbor-address = "${plan.routerIps[family]}"`,
      `    peer-as = ${plan.routerAsn}`,
      `    auth-password = "${plan.password}"`,
      '  [neighbors.transport.config]',
      `    local-address = "${plan.ownIps[family]}"`,
      // Retry quickly: the router learns of this peer only when a test writes its managed config.
      '  [neighbors.timers.config]',
      '    connect-retry = 2',
      '    idle-hold-time-after-reset = 1',
      '  [[neighbors.afi-safis]]',
      '    [neighbors.afi-safis.config]',
      `      afi-safi-name = "${family}-unicast"`,
      '',
    ].join('\n');
  writeFileSync(
    files.main,
    [
      '[global.config]',
      `  as = ${setup.asn}`,
      `  router-id = "${setup.routerId}"`,
      '',
      neighbor('ipv4'),
      neighbor('ipv6'),
    ].join('\n'),
  );
  const daemon = await startGobgpd(setup, files, {
    managedPath: files.main,
    basePath: null,
    reloadCommand: `kill -HUP "$(cat ${files.pid})"`,
  });
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (const prefix of plan.prefixes[family]) {
      await nsOk(setup.ns, [...daemon.cliCommand, 'global', 'rib', 'add', '-a', family, prefix]);
    }
  }
  return daemon;
}

/** `gobgp neighbor <ip> -j`: v3 prints the session state as a number (6 is established). */
async function gobgpSession(daemon: LabDaemon, ip: string): Promise<LabSessionState | null> {
  const r = await daemon.cli(['neighbor', ip, '-j']);
  if (r.exitCode !== 0) {
    if (/not found/i.test(`${r.stdout}${r.stderr}`)) return null;
    throw new Error(`gobgp: ${shellLine(daemon.cliCommand)}: ${r.stdout}${r.stderr}`);
  }
  const peer = JSON.parse(r.stdout) as {
    state?: { session_state?: number | string };
    afi_safis?: { state?: { received?: number | string } }[];
  };
  const raw = peer.state?.session_state ?? 0;
  const state = String(raw);
  const counts = (peer.afi_safis ?? []).map((a) => Number(a.state?.received ?? 0));
  return {
    state,
    established: raw === 6 || state.toUpperCase() === 'ESTABLISHED',
    received: counts.reduce((a, b) => a + b, 0),
  };
}
