import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * An IRRd-protocol whois server on loopback for the tests and the benchmark: it serves route,
 * route6, as-set and aut-num objects the caller makes, per registry (source), and answers the `!`
 * queries bgpq4 and peerflow send the way IRRd does: `!!`, `!n`, `!s`, `!s-lc`, `!i<set>[,1]`,
 * `!gas<n>`, `!6as<n>`, `!q`; anything else (`!a` included, as an IRRd 3 would) gets `F`.
 */
export interface IrrObjects {
  /** route and route6 objects: the prefix and the AS that originates it. */
  routes: { prefix: string; origin: number }[];
  /** as-set objects: their `members:` as written (AS numbers and other sets). */
  asSets: Record<string, string[]>;
  /** aut-num objects (answered to `!i` as nothing; kept so that a set may name them). */
  autNums?: number[];
}

export interface IrrServerOptions {
  /** Faults for tests: close the connection on this query, or never answer it. */
  closeOn?: RegExp;
  stallOn?: RegExp;
}

export interface IrrServer {
  host: string;
  port: number;
  /** Every query line received, in order. */
  queries: string[];
  data: Record<string, IrrObjects>;
  close(): Promise<void>;
}

function answer(text: string): string {
  if (text.length === 0) return 'C\n';
  const data = `${text}\n`;
  return `A${Buffer.byteLength(data)}\n${data}C\n`;
}

export async function startIrrServer(
  data: Record<string, IrrObjects>,
  options: IrrServerOptions = {},
): Promise<IrrServer> {
  const queries: string[] = [];
  const sockets = new Set<Socket>();
  const allSources = () => Object.keys(data);

  const findSet = (name: string, sources: string[]) => {
    for (const s of sources) {
      const sets = data[s]?.asSets ?? {};
      const key = Object.keys(sets).find((k) => k.toUpperCase() === name.toUpperCase());
      if (key) return sets[key]!;
    }
    return undefined;
  };

  // Rebuilt when a test replaces or grows a source's routes.
  const originIndex = new Map<string, { routes: unknown; length: number; index: Map<number, string[]> }>();
  const originsOf = (source: string, asn: number): string[] => {
    const routes = data[source]?.routes ?? [];
    const cached = originIndex.get(source);
    let index =
      cached && cached.routes === routes && cached.length === routes.length ? cached.index : undefined;
    if (!index) {
      index = new Map();
      for (const r of data[source]?.routes ?? []) {
        const list = index.get(r.origin) ?? [];
        list.push(r.prefix);
        index.set(r.origin, list);
      }
      originIndex.set(source, { routes, length: routes.length, index });
    }
    return index.get(asn) ?? [];
  };

  const handle = (line: string, state: { sources: string[]; persistent: boolean }): string | null => {
    if (line === '!!') {
      state.persistent = true;
      return null;
    }
    if (line.startsWith('!n')) return 'C\n';
    if (line === '!q') return null;
    if (line === '!s-lc') return answer(state.sources.join(','));
    if (line.startsWith('!s')) {
      const asked = line.slice(2).split(',');
      const unknown = asked.filter((s) => !(s.toUpperCase() in data));
      if (unknown.length > 0) return `F Unknown source(s): ${unknown.join(', ')}\n`;
      state.sources = asked.map((s) => s.toUpperCase());
      return 'C\n';
    }
    if (line.startsWith('!i')) {
      const [name, flag] = line.slice(2).split(',');
      const members = findSet(name!, state.sources);
      if (!members) return 'D\n';
      if (flag !== '1') return answer(members.join(' '));
      const asns = new Set<string>();
      const seen = new Set<string>([name!.toUpperCase()]);
      const walk = (list: string[]) => {
        for (const m of list) {
          if (/^AS\d+$/i.test(m)) asns.add(m.toUpperCase());
          else if (!seen.has(m.toUpperCase())) {
            seen.add(m.toUpperCase());
            const nested = findSet(m, state.sources);
            if (nested) walk(nested);
          }
        }
      };
      walk(members);
      return answer([...asns].join(' '));
    }
    const origin = /^!(g|6)as(\d+)$/i.exec(line);
    if (origin) {
      const v6 = origin[1] === '6';
      const asn = Number(origin[2]);
      const found = new Set<string>();
      for (const s of state.sources) {
        for (const p of originsOf(s, asn)) if (p.includes(':') === v6) found.add(p);
      }
      return answer([...found].join(' '));
    }
    return 'F Unrecognized command\n';
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const state = { sources: allSources(), persistent: false };
    let pending = '';
    let stalled = false;
    socket.on('data', (chunk: Buffer) => {
      if (stalled) return;
      pending += chunk.toString('latin1');
      let nl: number;
      const out: string[] = [];
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).replace(/\r$/, '');
        pending = pending.slice(nl + 1);
        queries.push(line);
        if (options.closeOn?.test(line)) {
          socket.end(out.join(''));
          return;
        }
        if (options.stallOn?.test(line)) {
          stalled = true;
          break;
        }
        if (line === '!q') {
          socket.end(out.join(''));
          return;
        }
        const reply = handle(line, state);
        if (reply !== null) out.push(reply);
        if (!state.persistent && line !== '!!') {
          socket.end(out.join(''));
          return;
        }
      }
      if (out.length > 0) socket.write(out.join(''));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    queries,
    data,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
