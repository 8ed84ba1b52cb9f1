import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigCheck } from '../../shared/config-render/platform';
import { PLATFORM_REGISTRY, PLATFORMS, platformDescriptor } from '../../shared/config-render/platforms';
import { PASSWORD_PATTERN } from '../../shared/config-render/prepare';
import { render } from '../../shared/config-render/render';
import { goldenRouter, goldenSessions } from '../golden/fixture';

/** The longest password `PASSWORD_PATTERN` lets in: a platform's own limit can only be tighter. */
const PATTERN_MAX = 80;

describe('platform registry', () => {
  it('lists each platform once, and its ids are PLATFORMS in the same order', () => {
    const ids = PLATFORM_REGISTRY.map((d) => d.id);
    expect(ids).toEqual([...PLATFORMS]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of PLATFORMS) expect(platformDescriptor(id).id).toBe(id);
  });

  for (const d of PLATFORM_REGISTRY) {
    it(`${d.id}: has a complete descriptor`, () => {
      expect(d.id).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(d.displayName.trim()).not.toBe('');
      expect(['session', 'router']).toContain(d.scope);
      expect(d).not.toHaveProperty('delivery');
      expect(d).not.toHaveProperty('state');

      const empty = d.render({
        hostname: 'r1',
        asn: 64500,
        routerId: '192.0.2.1',
        groups: [],
        ownPrefixes: { ipv4: [], ipv6: [] },
        rtr: [],
      });
      expect(empty).toContain('peerflow BGP neighbors for r1 (' + d.id + '), AS64500');
      expect(empty.endsWith('\n')).toBe(true);
      expect(render(d.id, goldenRouter, goldenSessions)).toContain(goldenSessions[0]!.peer_ipaddr);

      const max = d.passwords.maxLength;
      if (max !== null) {
        expect(Number.isInteger(max) && max >= 1 && max < PATTERN_MAX).toBe(true);
        expect(PASSWORD_PATTERN.test('a'.repeat(max + 1))).toBe(true);
      }

      const check: ConfigCheck | null = d.check;
      if (check !== null) {
        expect(check.command).toMatch(/^[a-z][a-z0-9_-]*$/);
        expect(check.args('/tmp/x.conf')).toContain('/tmp/x.conf');
        expect(Number.isInteger(check.okExitCode)).toBe(true);
        const { group, neighbor, anyNeighbor, anyNeighborLines } = check.declares;
        for (const pattern of [group, neighbor, anyNeighbor]) expect(pattern.flags).toContain('g');
        for (const pattern of [group, neighbor]) expect(pattern.source).toMatch(/\((?!\?)/);
        expect(Number.isInteger(anyNeighborLines) && anyNeighborLines >= 1).toBe(true);
        const stubs = check.operatorPolicies?.(['p_in', 'p_out']);
        if (stubs) expect(`${stubs.before}${stubs.after}`).toContain('p_out');
      }
    });
  }

  it('is the only place that names a platform: no other code compares or keys on an id', () => {
    const platformsDir = join('shared', 'config-render', 'platforms');
    const quoted = new RegExp(`['"\`](${PLATFORMS.join('|')})['"\`]`);
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (path.endsWith('.ts') && !path.startsWith(`${platformsDir}${sep}`)) {
          const hit = readFileSync(path, 'utf8').match(quoted);
          if (hit) offenders.push(`${path}: ${hit[0]}`);
        }
      }
    };
    for (const root of ['shared', 'functions', 'local']) walk(root);
    expect(offenders).toEqual([]);
  });
});
