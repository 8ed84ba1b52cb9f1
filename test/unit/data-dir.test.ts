import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resetDataDir } from '../../local/data-dir';

describe('npm start -- --reset', () => {
  const made: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'pf-data-'));
    made.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('removes a data folder npm start made', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'dynamodb'));
    writeFileSync(join(dir, 'signing-key.json'), '{}');
    resetDataDir(dir);
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses a folder that is not one, and leaves it as it was', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'package.json'), '{}');
    expect(() => resetDataDir(dir)).toThrow(/does not look like a peerflow data folder.*Check DATA_DIR/);
    expect(existsSync(join(dir, 'package.json'))).toBe(true);
  });

  it('takes an empty folder, or none', () => {
    const dir = scratch();
    resetDataDir(dir);
    expect(existsSync(dir)).toBe(false);
    expect(() => resetDataDir(join(dir, 'never-made'))).not.toThrow();
  });
});
