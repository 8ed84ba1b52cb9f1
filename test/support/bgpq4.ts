import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const BGPQ4 = '/usr/bin/bgpq4';
export const haveBgpq4 = existsSync(BGPQ4);

interface Bgpq4Entry {
  prefix: string;
  exact: boolean;
  'greater-equal'?: number;
  'less-equal'?: number;
}

/** bgpq4's `-j` list for one family, as peerflow writes entries (`a/len`, or `a/len{ge,le}` for a range). */
export async function bgpq4List(
  server: { host: string; port: number },
  sources: string,
  family: 4 | 6,
  object: string,
  aggregate: boolean,
): Promise<string[]> {
  const args = ['-h', `${server.host}:${server.port}`, '-S', sources, '-j', `-${family}`, '-l', 'L'];
  if (aggregate) args.push('-A');
  args.push(object);
  const { stdout } = await run(BGPQ4, args, { maxBuffer: 256 * 1024 * 1024 });
  const parsed = JSON.parse(stdout) as { L: Bgpq4Entry[] };
  return parsed.L.map((e) => {
    if (e.exact) return e.prefix;
    const length = Number(e.prefix.split('/')[1]);
    return `${e.prefix}{${e['greater-equal'] ?? length},${e['less-equal']}}`;
  });
}
