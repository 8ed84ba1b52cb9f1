import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resetDataDir } from './data-dir';
import { ensureTable, portOpen, type RunningEngine, startDynamoLocal, startLocalSes } from './engines';

/**
 * `npm start`: DynamoDB Local + the local SES endpoint + demo data + the bootstrap admin, and every
 * route served through the same handlers and authorizer as in AWS. Ctrl-C stops all of it.
 */
const { values } = parseArgs({
  options: { reset: { type: 'boolean', default: false } },
  allowPositionals: false,
});

const startedAt = Date.now();
const port = Number(process.env.PORT ?? 3000);
const ddbPort = Number(process.env.DDB_PORT ?? 8000);
const sesPort = Number(process.env.SES_PORT ?? 8005);
const dataDir = resolve(process.env.DATA_DIR ?? '.data');

if (values.reset) {
  try {
    resetDataDir(dataDir);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });

process.env.DATA_DIR = dataDir;
process.env.TABLE_NAME ??= 'peerflow';
process.env.DDB_ENDPOINT ??= `http://127.0.0.1:${ddbPort}`;
process.env.SES_ENDPOINT ??= `http://127.0.0.1:${sesPort}`;
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'WARN';
// DynamoDB Local on disk can be silent for seconds while it writes; AWS answers in milliseconds.
process.env.AWS_REQUEST_TIMEOUT_MS ??= '15000';
// A receiver on this machine is what a developer tries webhooks with; AWS never allows it.
process.env.WEBHOOK_ALLOW_LOOPBACK ??= 'true';

const engines: RunningEngine[] = [];
let stopping = false;

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await Promise.allSettled(engines.map((e) => e.stop()));
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
// A signal sent to npm alone (a service manager, `timeout`, `kill <npm pid>`) ends npm without
// passing it on, and this process is handed to another parent: stop too, rather than keep the
// ports and the Java process running with nobody to stop them.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stop(0);
}, 500).unref();

try {
  for (const [name, p] of [
    ['PORT', port],
    ['DDB_PORT', ddbPort],
    ['SES_PORT', sesPort],
  ] as const) {
    if (await portOpen(p))
      throw new Error(`port ${p} (${name}) is already in use; set ${name} to another port`);
  }
  const [dynamo, ses] = await Promise.all([
    startDynamoLocal({ port: ddbPort, dbPath: join(dataDir, 'dynamodb') }),
    startLocalSes({ port: sesPort }),
  ]);
  engines.push(dynamo, ses);
  await ensureTable(dynamo.endpoint, process.env.TABLE_NAME);

  // Imported only now: these modules read the configuration set above.
  const { routes } = await import('../shared/app/route-table');
  const { ensureAdmin } = await import('../shared/users');
  const { seedDemoData } = await import('./demo');
  const { createDispatcher } = await import('./dispatcher');
  const { createLocalServer } = await import('./server');

  const adminEmail = process.env.ADMIN_EMAIL ?? 'admin@peerflow.local';
  const generated = process.env.ADMIN_PASSWORD === undefined;
  const adminPassword = process.env.ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
  const admin = await ensureAdmin(adminEmail, adminPassword);
  // This process owns the data folder (its engine port was free), so a sync lease found now belongs to
  // a run that died with an earlier start: let the next run take it over and close that run's report.
  const { syncRunsRepository } = await import('../shared/peeringdb');
  await syncRunsRepository.expireLease();
  // Data kept from an earlier version is brought up to date before anything reads it.
  const { runPendingMigrations } = await import('../shared/app/migrations');
  for (const { name, changed } of await runPendingMigrations()) {
    if (changed > 0) console.log(`migrated stored data: ${name} (${changed} items)`);
  }
  const demo = await seedDemoData();

  const server = createLocalServer(createDispatcher(routes));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok());
  });
  engines.unshift({
    endpoint: `http://localhost:${port}`,
    stop: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections(); // idle keep-alive clients would otherwise hold the close up
      }),
  });

  const lines = [
    `peerflow is up at http://localhost:${port}/ (API explorer), ready in ${Date.now() - startedAt} ms`,
    `  DynamoDB Local  ${dynamo.endpoint}  (data in ${join(dataDir, 'dynamodb')})`,
    `  local SES       ${ses.endpoint}  (captured mail: ${ses.endpoint}/store)`,
    `  demo data       ${demo.message}`,
    admin === 'created' && generated
      ? `  admin           ${adminEmail} / ${adminPassword}  (generated; set ADMIN_EMAIL and ADMIN_PASSWORD to choose)`
      : admin === 'another-admin'
        ? `  admin           none created for ${adminEmail}: an admin already exists (log in as that one)`
        : `  admin           ${adminEmail} (${admin === 'created' ? 'created' : 'already there'})`,
    '  stop with Ctrl-C; start clean with npm start -- --reset',
  ];
  console.log(lines.join('\n'));
  // Routers with a connection are polled on a timer, as the schedule does in AWS: POLLING=off stops it.
  if (process.env.POLLING !== 'off') {
    const { startPollSchedule } = await import('../shared/app/polling');
    const seconds = Number(process.env.POLL_SECONDS ?? 300);
    if (!Number.isInteger(seconds) || seconds < 10)
      throw new Error('POLL_SECONDS must be a whole number, 10 or more');
    startPollSchedule(seconds);
  }
  // Said once the data is in: settings still naming the demo's network after a move to real
  // PeeringDB data would otherwise go unnoticed until a request goes out wrong.
  const { ourNetworkWarning } = await import('../shared/settings');
  void demo.done
    .then(() => ourNetworkWarning())
    .then(
      (warning) => {
        if (warning) console.warn(warning);
      },
      () => undefined,
    );
} catch (err) {
  console.error(`peerflow could not start: ${(err as Error).message}`);
  if (process.env.DEBUG) console.error(err);
  await stop(1);
}
