import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions, SPLIT_ENTRIES, splitBuildOptions } from '../infra/constructs/bundling';
import { routes } from '../shared/app/route-table';
import { generateSigningKey } from '../shared/platform/auth/keys';
import { type BenchRow, formatNumber, median, paired, rounds } from './harness';

/**
 * Every Lambda entry bundled exactly as deployed: its size, and its cold-start module init (a fresh
 * `node` from spawn until the module has evaluated; and the CPU time the child used until then)
 * against a bundle that holds only the DynamoDB document client, the floor every data-touching
 * function pays anyway.
 */
const MAX_KB = 400;
const MAX_INIT_RATIO = 1.5;
const AUTHORIZER = 'functions/authorizer/authorize.ts';

const BASELINE_SOURCE = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
export const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
`;

// Imports the bundle, then says so with the CPU time the process used so far; the parent stops the
// clock on that line. CPU time barely moves when other work shares the machine; wall time does.
const PROBE_SOURCE = `await import(process.argv[2]);
const cpu = process.cpuUsage();
process.stdout.write('evaluated ' + (cpu.user + cpu.system) / 1000 + '\\n');
`;

/**
 * A split bundle's bytes as a cold start meets them: the entry and every chunk it imports statically
 * (loaded at init), and that plus the chunks of its heaviest lazily imported module of our own (the
 * most one call can load); the total on disk is reported apart.
 */
function splitFigures(metafile: Metafile, outdir: string) {
  const outputs = metafile.outputs;
  const closure = (file: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(file)) return seen;
    seen.add(file);
    for (const i of outputs[file]?.imports ?? []) if (i.kind === 'import-statement') closure(i.path, seen);
    return seen;
  };
  const kb = (files: Set<string>) => [...files].reduce((n, f) => n + (outputs[f]?.bytes ?? 0), 0) / 1024;
  const js = Object.keys(outputs).filter((f) => f.endsWith('.mjs'));
  const index = js.find((f) => f.endsWith('/index.mjs') && outputs[f]!.entryPoint)!;
  const init = closure(index);
  let heaviest = { kb: kb(init), module: '' };
  for (const f of js) {
    const module = outputs[f]!.entryPoint;
    if (f === index || !module || module.includes('node_modules')) continue;
    const loaded = kb(closure(f, new Set(init)));
    if (loaded > heaviest.kb) heaviest = { kb: loaded, module };
  }
  return { index: join(outdir, 'index.mjs'), initKb: kb(init), heaviest, totalKb: kb(new Set(js)) };
}

function bundleName(entry: string): string {
  return entry
    .replace(/^functions\//, '')
    .replace(/\.ts$/, '')
    .replaceAll('/', '-');
}

/** Wall milliseconds from spawn until the probe reports the module evaluated, and the child's CPU milliseconds. */
function timeInit(
  probe: string,
  bundle: string,
  env: NodeJS.ProcessEnv,
): Promise<{ wallMs: number; cpuMs: number }> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [probe, pathToFileURL(bundle).href], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let result: { wallMs: number; cpuMs: number } | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      const m = /evaluated ([\d.]+)/.exec(chunk.toString());
      if (result === undefined && m) {
        result = { wallMs: performance.now() - started, cpuMs: Number(m[1]) };
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    child.once('error', fail);
    child.once('exit', (code) => {
      if (result !== undefined) done(result);
      else fail(new Error(`${bundle} did not initialise (exit ${code}): ${stderr.trim()}`));
    });
  });
}

/** Where a bundle's bytes come from, by npm package (or project folder): the first thing to look at when it grows. */
function heaviestPackages(metafile: Metafile): string {
  const largest = Object.values(metafile.outputs)
    .filter((o) => o.entryPoint)
    .sort((a, b) => b.bytes - a.bytes)[0];
  if (!largest) return '';
  const bytes = new Map<string, number>();
  for (const [file, input] of Object.entries(largest.inputs)) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? file.split('/').slice(0, 2).join('/');
    bytes.set(pkg, (bytes.get(pkg) ?? 0) + input.bytesInOutput);
  }
  return [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([pkg, n]) => `${pkg} ${formatNumber(n / 1024)} KB`)
    .join(', ');
}

export async function bundles(): Promise<BenchRow[]> {
  const root = process.cwd();
  const work = mkdtempSync(join(tmpdir(), 'peerflow-bench-bundles-'));
  try {
    const outdir = join(work, 'out');
    const entries = [...new Set([...routes.map((r) => r.handler), AUTHORIZER])];
    const whole = entries.filter((e) => !SPLIT_ENTRIES.has(e));
    const built = await build({
      ...esbuildOptions,
      entryPoints: Object.fromEntries(whole.map((e) => [bundleName(e), resolve(root, e)])),
      outdir,
      outExtension: { '.js': '.mjs' },
      metafile: true,
      logLevel: 'error',
    });
    const split = new Map<string, ReturnType<typeof splitFigures>>();
    for (const entry of entries.filter((e) => SPLIT_ENTRIES.has(e))) {
      const dir = join(work, 'split', bundleName(entry));
      const result = await build({
        ...splitBuildOptions(resolve(root, entry), dir),
        metafile: true,
        logLevel: 'error',
      });
      split.set(entry, splitFigures(result.metafile, dir));
    }
    const baseline = join(outdir, 'baseline-ddb-client.mjs');
    await build({
      ...esbuildOptions,
      stdin: { contents: BASELINE_SOURCE, resolveDir: root, sourcefile: 'baseline.ts', loader: 'ts' },
      outfile: baseline,
      logLevel: 'error',
    });

    // Init must need neither DynamoDB nor the network: configuration parses, the local key is there.
    const dataDir = join(work, 'data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'signing-key.json'), JSON.stringify(generateSigningKey()), { mode: 0o600 });
    const probe = join(work, 'probe.mjs');
    writeFileSync(probe, PROBE_SOURCE);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      TABLE_NAME: 'peerflow-bench',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'SILENT',
    };

    const bundleFile = (entry: string) => split.get(entry)?.index ?? join(outdir, `${bundleName(entry)}.mjs`);
    // Wall time is what the goal is about; CPU time rides along as the steadier second opinion.
    const cpu = new Map<string, number[]>();
    const measure = async (name: string, file: string) => {
      const { wallMs, cpuMs } = await timeInit(probe, file, env);
      cpu.set(name, [...(cpu.get(name) ?? []), cpuMs]);
      return wallMs;
    };
    const samples = await paired(
      () => measure('baseline', baseline),
      Object.fromEntries(entries.map((e) => [e, () => measure(e, bundleFile(e))])),
      rounds(5),
    );
    const baseKb = statSync(baseline).size / 1024;
    const rows: BenchRow[] = [];
    for (const entry of entries) {
      const parts = split.get(entry);
      if (parts) {
        const { initKb, heaviest, totalKb } = parts;
        rows.push(
          {
            benchmark: 'bundle size',
            subject: `${entry} (split) loaded at cold start`,
            figure: `${formatNumber(initKb)} KB`,
            baseline: `${formatNumber(baseKb)} KB`,
            ratio: initKb / baseKb,
            goal: `< ${MAX_KB} KB`,
            met: initKb < MAX_KB,
          },
          {
            benchmark: 'bundle size',
            subject: `${entry} (split) after its heaviest action, ${heaviest.module}`,
            figure: `${formatNumber(heaviest.kb)} KB`,
            baseline: `${formatNumber(baseKb)} KB`,
            ratio: heaviest.kb / baseKb,
            goal: `< ${MAX_KB} KB`,
            met: heaviest.kb < MAX_KB,
          },
          {
            benchmark: 'bundle size',
            subject: `${entry} (split) every chunk on disk`,
            figure: `${formatNumber(totalKb)} KB`,
          },
        );
        continue;
      }
      const kb = statSync(bundleFile(entry)).size / 1024;
      rows.push({
        benchmark: 'bundle size',
        subject: entry,
        figure: `${formatNumber(kb)} KB`,
        baseline: `${formatNumber(baseKb)} KB`,
        ratio: kb / baseKb,
        goal: `< ${MAX_KB} KB`,
        met: kb < MAX_KB,
      });
    }
    for (const entry of entries) {
      const { subject, baseline: base, ratios } = samples[entry]!;
      const ratio = median(ratios);
      rows.push({
        benchmark: 'module init',
        subject: entry,
        figure: `${formatNumber(median(subject), 1)} ms`,
        baseline: `${formatNumber(median(base), 1)} ms`,
        ratio,
        goal: `ratio <= ${MAX_INIT_RATIO}`,
        met: ratio <= MAX_INIT_RATIO,
      });
    }
    const baseCpu = median(cpu.get('baseline')!);
    for (const entry of entries) {
      const ms = median(cpu.get(entry)!);
      rows.push({
        benchmark: 'module init CPU',
        subject: entry,
        figure: `${formatNumber(ms, 1)} ms`,
        baseline: `${formatNumber(baseCpu, 1)} ms`,
        ratio: ms / baseCpu,
      });
    }
    rows.push({
      benchmark: 'bundle size',
      subject: 'heaviest packages of the largest bundle',
      figure: heaviestPackages(built.metafile),
    });
    return rows;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
