import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtVerifier } from 'aws-jwt-verify';
import { ensureTable, freePort, startDynamoLocal } from '../local/engines';
import { loadJwks, resetKeys } from '../shared/platform/auth/keys';
import { createTokenVerifier } from '../shared/platform/auth/verifier';
import { config, resetConfig } from '../shared/platform/config';
import { createUser, login } from '../shared/users';
import { resetDdb } from '../shared/platform/storage/client';
import { type BenchRow, formatNumber, median, type PairedSamples, paired, rounds } from './harness';

/**
 * Token verifications per second: peerflow's verifier and the whole authorizer (user cache warm,
 * as on a warm Lambda) against aws-jwt-verify's bare `verifySync` of the same token and keys.
 */
const MIN_RATIO = 0.8;
const BATCH = 1000;

/** Operations per second over one batch. */
async function perSecond(op: () => unknown): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < BATCH; i++) await op();
  return (BATCH * 1000) / (performance.now() - started);
}

/** The same batch for a synchronous operation, so the baseline pays no await per call. */
function perSecondSync(op: () => unknown): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < BATCH; i++) op();
  return Promise.resolve((BATCH * 1000) / (performance.now() - started));
}

export async function authorizerThroughput(): Promise<BenchRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerflow-bench-auth-'));
  const engine = await startDynamoLocal({ port: await freePort() });
  const settings: Record<string, string> = {
    TABLE_NAME: 'peerflow-bench',
    DDB_ENDPOINT: engine.endpoint,
    AWS_REGION: 'us-east-1',
    DATA_DIR: dataDir,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  // Other benchmarks run in this process after this one: they get the environment back as it was.
  const previous = Object.fromEntries(Object.keys(settings).map((k) => [k, process.env[k]]));
  try {
    Object.assign(process.env, settings);
    resetConfig();
    resetKeys();
    resetDdb();
    await ensureTable(engine.endpoint, 'peerflow-bench');

    // Imported only now: the authorizer loads its keys from this configuration when it is imported.
    const { authorize } = await import('../functions/authorizer/authorize');

    const email = 'bench@example.net';
    const password = 'benchmark password';
    await createUser({ email, password, name: 'Bench', role: 'operator' });
    const { token } = await login(email, password);
    const jwks = await loadJwks();
    const { JWT_ISSUER, JWT_AUDIENCE } = config();

    const bare = JwtVerifier.create({
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      jwksUri: 'https://bench.invalid/.well-known/jwks.json',
    });
    bare.cacheJwks(jwks as Parameters<typeof bare.cacheJwks>[0]);
    const verify = createTokenVerifier(jwks);
    const header = `Bearer ${token}`;

    // Warm every path (JIT, key import, the authorizer's user cache) before measuring.
    for (let i = 0; i < 200; i++) {
      bare.verifySync(token);
      verify(token);
      await authorize(header);
    }
    const samples = await paired(
      () => perSecondSync(() => bare.verifySync(token)),
      {
        verifier: () => perSecondSync(() => verify(token)),
        authorizer: () => perSecond(() => authorize(header)),
      },
      rounds(15),
    );
    const row = (subject: string, { subject: ops, baseline: base, ratios }: PairedSamples): BenchRow => {
      const ratio = median(ratios);
      return {
        benchmark: 'token verify',
        subject,
        figure: `${formatNumber(median(ops))} /s`,
        baseline: `${formatNumber(median(base))} /s`,
        ratio,
        goal: `ratio >= ${MIN_RATIO}`,
        met: ratio >= MIN_RATIO,
      };
    };
    return [
      row('createTokenVerifier (shared/platform/auth/verifier.ts)', samples.verifier),
      row('authorize() (functions/authorizer/authorize.ts)', samples.authorizer),
    ];
  } finally {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetConfig();
    resetKeys();
    resetDdb();
    await engine.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
