import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureTable, portOpen, type RunningEngine, startDynamoLocal } from '../../local/engines';

/**
 * The table of `npm start` for a one-shot script: the engine on DDB_PORT (default 8000), started on
 * DATA_DIR (default .data) when none is running, and the configuration the product's modules read.
 * Import those modules only after this resolved. `stop` ends the engine if it was started here.
 */
export async function openLocalTable(): Promise<{ stop(): Promise<void> }> {
  const ddbPort = Number(process.env.DDB_PORT ?? 8000);
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  process.env.DATA_DIR = dataDir;
  process.env.TABLE_NAME ??= 'peerflow';
  process.env.DDB_ENDPOINT ??= `http://127.0.0.1:${ddbPort}`;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.LOG_LEVEL ??= 'WARN';

  let engine: RunningEngine | undefined;
  if (!(await portOpen(ddbPort))) {
    mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
    engine = await startDynamoLocal({ port: ddbPort, dbPath: join(dataDir, 'dynamodb') });
  }
  try {
    await ensureTable(process.env.DDB_ENDPOINT, process.env.TABLE_NAME);
  } catch (err) {
    await engine?.stop();
    throw err;
  }
  return { stop: async () => void (await engine?.stop()) };
}
