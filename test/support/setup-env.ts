import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { ensureTable } from '../../local/engines';
import { provideResolver } from '../../shared/webhooks/webhook-url';

// Runs before each test file's own imports: the modules under test read this configuration.
const tableName = `test-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
process.env.TABLE_NAME = tableName;
process.env.DDB_ENDPOINT = inject('ddbEndpoint');
process.env.SES_ENDPOINT = inject('sesEndpoint');
process.env.AWS_REGION = 'us-east-1';
process.env.DATA_DIR = mkdtempSync(join(tmpdir(), 'peerflow-test-'));
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? 'SILENT';
process.env.VALIDATE_RESPONSES = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// The local engines share a busy machine; a test that is about timeouts shortens this itself.
process.env.AWS_REQUEST_TIMEOUT_MS ??= '15000';
// Webhook receivers in tests are node:http servers on loopback, and retries need not wait long.
process.env.WEBHOOK_ALLOW_LOOPBACK ??= 'true';
process.env.WEBHOOK_RETRY_BASE_SECONDS ??= '0.02';
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';

// No webhook name resolves in tests, so no delivery leaves the machine (receivers are on loopback).
provideResolver(async () => []);

await ensureTable(process.env.DDB_ENDPOINT, tableName);
