import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from '../zod';
import { config } from '../config';

/**
 * The key that signs list cursors (HMAC-SHA256). It is a key of its own, apart from the token
 * signing key, so that a function that lists reads only this one. In AWS it is the secret named by
 * `CURSOR_KEY_SECRET_ARN` (a random string Secrets Manager generated when the stack was created,
 * as `{"key": "..."}`); locally a 256-bit key generated once in `DATA_DIR`.
 */
const KEY_FILE = 'cursor.key';
const SecretSchema = z.object({ key: z.string().check(z.minLength(32)) });

function loadLocalKey(): Buffer {
  const dir = config().DATA_DIR;
  const file = join(dir, KEY_FILE);
  mkdirSync(dir, { recursive: true });
  try {
    // 'wx' fails when the file exists: of two processes starting at once, one key wins and both read it.
    writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  if (key.length !== 32) throw new Error(`${KEY_FILE} does not hold a 256-bit key`);
  return key;
}

async function loadSecretKey(arn: string): Promise<Buffer> {
  const client = new SecretsManagerClient({ region: config().AWS_REGION });
  const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new Error('cursor key secret is empty');
  return Buffer.from(SecretSchema.parse(JSON.parse(out.SecretString)).key, 'utf8');
}

let cursorKey: Promise<Buffer> | undefined;

/** The cursor key, loaded once per cold start. */
export function loadCursorKey(): Promise<Buffer> {
  cursorKey ??= (async () => {
    const arn = config().CURSOR_KEY_SECRET_ARN;
    return arn ? loadSecretKey(arn) : loadLocalKey();
  })().catch((err: unknown) => {
    // A failed read (a throttled Secrets Manager) is tried again by the next request.
    cursorKey = undefined;
    throw err;
  });
  return cursorKey;
}

/** Local runtime and tests only: forget the loaded key after the data folder changed. */
export function resetCursorKey(): void {
  cursorKey = undefined;
}
