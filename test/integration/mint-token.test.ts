import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { call, userWithRole } from '../support/api';

const run = promisify(execFile);

/** `npm run token` against this test file's table and key folder. */
function mintToken(email: string) {
  const endpoint = new URL(process.env.DDB_ENDPOINT!);
  return run('npx', ['tsx', 'scripts/mint-token.ts', '--email', email], {
    env: { ...process.env, DDB_PORT: endpoint.port, LOG_LEVEL: 'SILENT' },
  });
}

describe('npm run token', () => {
  it('prints a token the API takes as that user', async () => {
    const { email, user } = await userWithRole('operator');
    const { stdout } = await mintToken(email);
    const me = await call('GET', '/users/me', { token: stdout.trim() });
    expect(me.status).toBe(200);
    expect(me.json.id).toBe(user.id);
    expect(me.json.role).toBe('operator');
  });

  it('refuses an email no user has, and prints no token', async () => {
    const failed = await mintToken('nobody@example.net').catch(
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect('code' in failed && failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toContain('No enabled user nobody@example.net');
  });
});
