import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecryptCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { config } from '../config';

/**
 * BGP session passwords at rest. In AWS they are encrypted with the KMS key named by
 * `SESSION_PASSWORD_KEY_ID`; locally with an AES-256-GCM key generated once in `DATA_DIR`.
 * Each ciphertext is bound to its session id (KMS encryption context, GCM associated data), so a
 * ciphertext copied onto another session does not decrypt.
 */
export interface SessionPasswordCipher {
  encrypt(plain: string, sessionId: string): Promise<string>;
  decrypt(envelope: string, sessionId: string): Promise<string>;
}

const LOCAL_PREFIX = 'local1:';
const KMS_PREFIX = 'kms1:';
const KEY_FILE = 'session-password.key';

let localKey: Buffer | undefined;

function loadLocalKey(): Buffer {
  if (localKey) return localKey;
  const dir = config().DATA_DIR;
  const file = join(dir, KEY_FILE);
  mkdirSync(dir, { recursive: true });
  try {
    // 'wx' fails when the file exists: of two processes starting at once, one key wins and both read it.
    writeFileSync(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`${KEY_FILE} does not hold a 256-bit key`);
  localKey = key;
  return key;
}

/**
 * What a ciphertext is bound to: the KMS encryption context's key, and locally the associated data
 * (a session password's is the bare session id, as it always was; any other kind names itself).
 */
type Binding = { contextKey: string; aad: (id: string) => string };
const SESSION_BINDING: Binding = { contextKey: 'session_id', aad: (id) => id };
const ROUTER_BINDING: Binding = { contextKey: 'router_connection', aad: (id) => `router_connection:${id}` };
const WEBHOOK_BINDING: Binding = { contextKey: 'webhook', aad: (id) => `webhook:${id}` };

const localCipher = (binding: Binding): SessionPasswordCipher => ({
  async encrypt(plain, sessionId) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', loadLocalKey(), iv);
    cipher.setAAD(Buffer.from(binding.aad(sessionId), 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return LOCAL_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  },
  async decrypt(envelope, sessionId) {
    if (!envelope.startsWith(LOCAL_PREFIX)) throw new Error('not a locally encrypted password');
    const raw = Buffer.from(envelope.slice(LOCAL_PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', loadLocalKey(), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(binding.aad(sessionId), 'utf8'));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  },
});

let kms: KMSClient | undefined;

function kmsCipher(keyId: string, binding: Binding): SessionPasswordCipher {
  kms ??= new KMSClient({ region: config().AWS_REGION });
  const client = kms;
  return {
    async encrypt(plain, sessionId) {
      const out = await client.send(
        new EncryptCommand({
          KeyId: keyId,
          Plaintext: Buffer.from(plain, 'utf8'),
          EncryptionContext: { [binding.contextKey]: sessionId },
        }),
      );
      if (!out.CiphertextBlob) throw new Error('KMS returned no ciphertext');
      return KMS_PREFIX + Buffer.from(out.CiphertextBlob).toString('base64');
    },
    async decrypt(envelope, sessionId) {
      if (!envelope.startsWith(KMS_PREFIX)) throw new Error('not a KMS encrypted password');
      const out = await client.send(
        new DecryptCommand({
          KeyId: keyId,
          CiphertextBlob: Buffer.from(envelope.slice(KMS_PREFIX.length), 'base64'),
          EncryptionContext: { [binding.contextKey]: sessionId },
        }),
      );
      if (!out.Plaintext) throw new Error('KMS returned no plaintext');
      return Buffer.from(out.Plaintext).toString('utf8');
    },
  };
}

/** The cipher for this deployment: KMS when a key is configured, the local key file otherwise. */
export function sessionPasswords(): SessionPasswordCipher {
  const keyId = config().SESSION_PASSWORD_KEY_ID;
  return keyId ? kmsCipher(keyId, SESSION_BINDING) : localCipher(SESSION_BINDING);
}

/**
 * The secrets of routers' management connections (an SSH password or private key), with the same
 * key, each bound to its router: a session's ciphertext never decrypts as a router's, nor back.
 */
export function routerConnectionSecrets(): SessionPasswordCipher {
  const keyId = config().SESSION_PASSWORD_KEY_ID;
  return keyId ? kmsCipher(keyId, ROUTER_BINDING) : localCipher(ROUTER_BINDING);
}

/** The signing secrets of webhooks, with the same key, each bound to its webhook. */
export function webhookSecrets(): SessionPasswordCipher {
  const keyId = config().SESSION_PASSWORD_KEY_ID;
  return keyId ? kmsCipher(keyId, WEBHOOK_BINDING) : localCipher(WEBHOOK_BINDING);
}
