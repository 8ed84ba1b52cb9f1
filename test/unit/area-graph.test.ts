import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

/**
 * The linter keeps imports pointing down the layers and between areas through their indexes; this
 * keeps the areas themselves in an order: no area reaches, through any chain of areas, back to
 * itself. A cycle would make the order in which modules evaluate depend on which entry file loads
 * first, and a schema built at load time from another area's would be undefined in some bundles.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SHARED = join(ROOT, 'shared');
const LAYERS = new Set(['platform', 'app']);

const areas = readdirSync(SHARED).filter(
  (name) => statSync(join(SHARED, name)).isDirectory() && !LAYERS.has(name),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Imports that load code when the module evaluates (type-only imports are erased by the compiler). */
function valueImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(type\s+)?([^'";]*?)\s*from\s+'(\.[^']+)'/gm)) {
    const [, typeOnly, names = '', spec = ''] = m;
    if (typeOnly) continue;
    const braces = /^\{([^}]*)\}$/.exec(names.trim());
    if (braces && braces[1]!.split(',').every((n) => n.trim() === '' || n.trim().startsWith('type ')))
      continue;
    found.push(resolve(dirname(file), spec));
  }
  return found;
}

function areaOf(path: string): string | undefined {
  const [top] = relative(SHARED, path).split('/');
  return top && areas.includes(top) ? top : undefined;
}

function areaGraph(): Map<string, Set<string>> {
  const graph = new Map(areas.map((a) => [a, new Set<string>()]));
  for (const area of areas) {
    for (const file of sourceFiles(join(SHARED, area))) {
      for (const target of valueImports(file)) {
        const to = areaOf(target);
        if (to && to !== area) graph.get(area)!.add(to);
      }
    }
  }
  return graph;
}

/** The first cycle found, as the list of areas along it, or null. */
function findCycle(graph: Map<string, Set<string>>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'open') return [...path.slice(path.indexOf(node)), node];
    state.set(node, 'open');
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

describe('the areas', () => {
  it('depend on each other without a cycle', () => {
    expect(areas.length).toBeGreaterThan(8);
    expect(findCycle(areaGraph())).toBeNull();
  });

  it('would be caught going round in a circle', () => {
    const graph = areaGraph();
    graph.get('peeringdb')!.add('sessions');
    expect(findCycle(graph)).toEqual(expect.arrayContaining(['peeringdb', 'sessions']));
  });

  for (const area of areas) {
    it(`${area}: its index evaluates when it is the first module loaded`, async () => {
      vi.resetModules();
      const exports = await import(`../../shared/${area}/index.ts`);
      for (const [name, value] of Object.entries(exports)) {
        expect(value, `${area} exports ${name}`).not.toBeUndefined();
      }
    });
  }
});
