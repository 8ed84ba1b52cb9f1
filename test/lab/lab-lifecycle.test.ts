import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLab, LAB_PREFIX, labAvailable, listNamespaces, namespacePids, run } from '../support/lab';

/**
 * A lab leaves nothing behind: its processes, namespaces, management link, slot and scratch folder
 * are gone after `destroy`, which can be called twice; and a lab left by a process that died is
 * swept by the next lab's creation.
 */
function processGone(pid: number): boolean {
  return !existsSync(`/proc/${pid}`);
}

/** The pids still present after a few seconds (a killed process leaves /proc once it is reaped). */
async function survivors(pids: readonly number[]): Promise<number[]> {
  const deadline = Date.now() + 5000;
  while (pids.some((pid) => !processGone(pid)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  return pids.filter((pid) => !processGone(pid));
}

async function linkExists(name: string): Promise<boolean> {
  return (await run(['ip', 'link', 'show', 'dev', name])).exitCode === 0;
}

describe.skipIf(!labAvailable(['frr', 'bird2']))('the lab lifecycle', () => {
  it('destroy stops every process and removes namespaces, link and scratch, twice over', async () => {
    const lab = await createLab({ router: 'frr' });
    let destroyed = false;
    try {
      const pids = await lab.pids();
      // sshd, zebra and bgpd on the router host; bird on the peer host.
      expect(pids.length).toBeGreaterThanOrEqual(4);
      expect(await listNamespaces()).toEqual(expect.arrayContaining([...lab.namespaces]));
      expect(await linkExists(lab.router.mgmt.link)).toBe(true);
      for (const ns of lab.namespaces) expect(ns.startsWith(LAB_PREFIX)).toBe(true);

      await Promise.all([lab.destroy(), lab.destroy()]);
      destroyed = true;
      await lab.destroy();

      expect(pids.filter((pid) => !processGone(pid))).toEqual([]);
      const left = await listNamespaces();
      for (const ns of lab.namespaces) expect(left).not.toContain(ns);
      expect(await linkExists(lab.router.mgmt.link)).toBe(false);
      expect(existsSync(lab.scratch)).toBe(false);
      expect(await namespacePids(lab.namespaces[0]!)).toEqual([]);
    } finally {
      if (!destroyed) await lab.destroy();
    }
  }, 60_000);

  it('removes the labs a process leaves when it exits without destroying them', async () => {
    const script = [
      `import { createLab } from ${JSON.stringify(join(process.cwd(), 'test/support/lab/index.ts'))};`,
      "const lab = await createLab({ router: 'bird2', ssh: false });",
      'console.log(JSON.stringify({ namespaces: lab.namespaces, pids: await lab.pids(), scratch: lab.scratch }));',
      'process.exit(0);',
    ].join('\n');
    const child = await run(['npx', 'tsx', '--input-type=module', '-e', script], { timeoutMs: 60_000 });
    expect(child.exitCode, child.stderr).toBe(0);
    const left = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      namespaces: string[];
      pids: number[];
      scratch: string;
    };
    expect(left.pids.length).toBeGreaterThan(0);
    const now = await listNamespaces();
    for (const ns of left.namespaces) expect(now).not.toContain(ns);
    expect(await survivors(left.pids)).toEqual([]);
    expect(existsSync(left.scratch)).toBe(false);
  }, 60_000);

  it("sweeps a lab whose creating process died, at the next lab's creation", async () => {
    // A lab created by a child process that is killed before it can destroy it.
    const script = [
      `import { createLab } from ${JSON.stringify(join(process.cwd(), 'test/support/lab/index.ts'))};`,
      "const lab = await createLab({ router: 'bird2', ssh: false });",
      'console.log(JSON.stringify({ namespaces: lab.namespaces, pids: await lab.pids(), scratch: lab.scratch }));',
      "process.kill(process.pid, 'SIGKILL');",
    ].join('\n');
    const child = await run(['npx', 'tsx', '--input-type=module', '-e', script], { timeoutMs: 60_000 });
    expect(child.stdout, child.stderr).toContain('namespaces');
    const orphan = JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      namespaces: string[];
      pids: number[];
      scratch: string;
    };
    expect(await listNamespaces()).toEqual(expect.arrayContaining(orphan.namespaces));

    const lab = await createLab({ router: 'bird2', ssh: false });
    try {
      const left = await listNamespaces();
      for (const ns of orphan.namespaces) expect(left).not.toContain(ns);
      expect(await survivors(orphan.pids)).toEqual([]);
      expect(existsSync(orphan.scratch)).toBe(false);
      // The live lab was left alone.
      expect(left).toEqual(expect.arrayContaining([...lab.namespaces]));
    } finally {
      await lab.destroy();
    }
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith(lab.name))).toEqual([]);
  }, 120_000);
});
