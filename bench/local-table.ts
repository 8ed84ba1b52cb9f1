import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTable, freePort, startDynamoLocal } from '../local/engines';
import { resetConfig } from '../shared/platform/config';
import { logger } from '../shared/platform/logger';
import { resetDdb } from '../shared/platform/storage/client';

/**
 * A scratch DynamoDB Local with `table` created, this process configured to use it with logs
 * silenced, for a benchmark that drives the API in-process. Load the API's modules only after it
 * resolves. `stop` puts the log level back and removes the engine and its data.
 */
export async function benchTable(
  table: string,
  scratchName: string,
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), `peerflow-bench-${scratchName}-`));
  const engine = await startDynamoLocal({ port: await freePort() });
  const level = logger.getLevelName();
  logger.setLogLevel('SILENT');
  process.env.TABLE_NAME = table;
  process.env.DDB_ENDPOINT = engine.endpoint;
  process.env.AWS_REGION = 'us-east-1';
  process.env.DATA_DIR = dataDir;
  process.env.LOG_LEVEL = 'SILENT';
  process.env.VALIDATE_RESPONSES = 'false';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  resetConfig();
  resetDdb();
  await ensureTable(engine.endpoint, table);
  return {
    endpoint: engine.endpoint,
    async stop() {
      logger.setLogLevel(level);
      resetDdb();
      await engine.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
