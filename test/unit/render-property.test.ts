import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addSessionRoute } from '../../shared/sessions/routes';
import {
  type IrrPrefixList,
  RenderError,
  type RenderPolicy,
  type RenderSession,
  type RtrServer,
} from '../../shared/config-render/prepare';
import { RtrServerSchema } from '../../shared/routers/schemas';
import { RoutingPolicySchema } from '../../shared/settings/settings-schema';
import { render } from '../../shared/config-render/render';
import {
  DAEMON_PLATFORMS,
  type DaemonPlatform,
  daemonsAvailable,
  declaredNeighbors,
  neighborStatementCount,
  parseWithDaemon,
  type PolicyNames,
  STATEMENTS_PER_NEIGHBOR,
} from '../golden/daemon-check';

/**
 * Hostile text in every free-text field: each case is either refused by the addSession schema
 * (the API's 422) or rendered into configs that the four daemons parse and that declare exactly
 * the intended neighbors. Peer names also go in raw, as PeeringDB may send anything.
 */
const RUNS = 40;
const router = { hostname: 'edge1.example.net', asn: 64500, router_id: '192.0.2.1' };
const PEERS = ['206.126.236.10', '206.126.236.11', '2001:504:0:2::a'];

const nasty = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '"',
        "'",
        '{',
        '}',
        ';',
        '\n',
        '\r\n',
        '\t',
        '#',
        '!',
        '\\',
        '$',
        '`',
        '/*',
        '*/',
        ' ',
        'neighbor 10.9.9.9 remote-as 666',
        'protocol bgp evil {',
        '[[neighbors]]',
        '\u2028',
        '\u0000',
        'é',
        'ß',
        '中文',
        '🙂',
      ),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
    ),
    { maxLength: 10 },
  )
  .map((parts) => parts.join(''));

const sessionCase = fc.record({
  peer_name: nasty,
  note: fc.option(nasty, { nil: null }),
  peer_group: fc.option(nasty, { nil: null }),
  password: fc.option(fc.oneof(nasty, fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~+=@:,/-]{0,20}$/)), {
    nil: null,
  }),
});

interface Rendered {
  platform: DaemonPlatform;
  text: string;
  intended: string[];
  /** The policies the config references, defined by the operator's part of the harness. */
  policies: PolicyNames[];
}

describe.skipIf(!daemonsAvailable())('hostile free text', () => {
  it('is refused with 422 or rendered into configs the daemons parse with exactly the intended neighbors', async () => {
    const rendered: Rendered[] = [];
    let refused = 0;
    fc.assert(
      fc.property(fc.array(sessionCase, { minLength: 1, maxLength: PEERS.length }), (cases) => {
        const sessions: RenderSession[] = [];
        for (const [i, c] of cases.entries()) {
          const body = {
            resource_id: '00000000-0000-4000-8000-000000000000',
            peer_ipaddr: PEERS[i]!,
            peer_asn: 64512 + i,
            note: c.note,
            peer_group: c.peer_group,
            password: c.password,
          };
          const parsed = addSessionRoute.body!.safeParse(body);
          if (!parsed.success) {
            // A refusal names only the free-text fields: nothing else was wrong with the body.
            const fields = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
            for (const f of fields) expect(['note', 'peer_group', 'password']).toContain(f);
            refused += 1;
            continue;
          }
          sessions.push({
            peer_ipaddr: parsed.data.peer_ipaddr,
            peer_asn: parsed.data.peer_asn ?? 64512,
            peer_name: c.peer_name,
            peer_group: parsed.data.peer_group ?? null,
            prfx_max: 100 + i,
            password: parsed.data.password ?? null,
            note: parsed.data.note ?? null,
            source_ipaddr: null,
            source_asn: 64500,
          });
        }
        if (sessions.length === 0) return;
        const intended = sessions.map((s) => s.peer_ipaddr).sort();
        for (const platform of DAEMON_PLATFORMS) {
          rendered.push({ platform, text: render(platform, router, sessions), intended, policies: [] });
        }
      }),
      { numRuns: RUNS },
    );
    expect(rendered.length).toBeGreaterThan(0);

    // The daemons run after the property, a few at a time, so the file stays fast.
    const failures: string[] = [];
    const queue = [...rendered];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let r = queue.shift(); r; r = queue.shift()) {
          // peerflow writes every group's policies: nothing from the operator around the config.
          const parsed = await parseWithDaemon(r.platform, r.text, r.policies);
          const neighbors = declaredNeighbors(r.platform, r.text);
          const statements = neighborStatementCount(r.platform, r.text);
          const exact =
            JSON.stringify(neighbors) === JSON.stringify(r.intended) &&
            statements === r.intended.length * STATEMENTS_PER_NEIGHBOR[r.platform];
          if (!parsed.ok || !exact) failures.push(`${r.platform}: ${parsed.output}\n${r.text}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    // Both branches were exercised: some input was refused, and configs were parsed.
    expect(refused).toBeGreaterThan(0);
  });
});

/** A prefix-like string: sometimes a real prefix, often not quite one, sometimes hostile text. */
const prefixish = fc.oneof(
  fc.constantFrom('11.0.1.0/24', '11.0.2.0/23', '4000:1::/48', '2001:db8:100::/40', '203.0.113.0/24'),
  fc.tuple(fc.ipV4(), fc.integer({ min: -1, max: 40 })).map(([ip, len]) => `${ip}/${len}`),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 130 })).map(([ip, len]) => `${ip}/${len}`),
  fc.constantFrom('10.0.0.0/8 le 32', '11.0.0.0/8+', '0.0.0.0/0', '::/0', '11.0.1.0/24;', '11.0.1.0/24 }'),
  nasty,
);

const goodPrefix = fc.constantFrom('11.0.1.0/24', '11.0.2.0/23', '4000:1::/48', '2001:db8:100::/40');
const policyCase = fc.record({
  own: fc.oneof(fc.array(goodPrefix, { maxLength: 3 }), fc.array(prefixish, { maxLength: 3 })),
  rtr: fc.array(
    fc.record({
      host: fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain(), fc.domain(), nasty),
      port: fc.oneof(fc.integer({ min: 1, max: 65_535 }), fc.integer({ min: -5, max: 100_000 })),
    }),
    { maxLength: 2 },
  ),
  irr: fc.option(
    fc.record({
      as_set: nasty,
      ipv4: fc.oneof(fc.array(goodPrefix, { maxLength: 3 }), fc.array(prefixish, { maxLength: 3 })),
      ipv6: fc.oneof(fc.constant([]), fc.array(prefixish, { maxLength: 3 })),
      status: fc.constantFrom('ok', 'empty', 'too_large', 'failed'),
    }),
    { nil: null },
  ),
  exchange: fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer(), fc.constant(null)),
  peerType: fc.constantFrom('peer', 'route-server'),
});

const WELL_FORMED_POLICY_CASE = {
  own: ['11.0.1.0/24'],
  rtr: [{ host: '192.0.2.10', port: 3323 }],
  irr: { as_set: 'AS-EXAMPLE', ipv4: ['11.0.2.0/23'], ipv6: ['4000:1::/48'], status: 'ok' as const },
  exchange: 1,
  peerType: 'peer' as const,
};

describe.skipIf(!daemonsAvailable())('hostile policy inputs', () => {
  it('are refused (422 or a render error) or rendered into configs the daemons parse, with exactly the intended neighbors', async () => {
    const rendered: Rendered[] = [];
    let refused = 0;
    fc.assert(
      fc.property(policyCase, (c) => {
        // Our prefixes and RTR servers go through the API's schemas, as an admin or operator sets them.
        const policy = RoutingPolicySchema.safeParse({
          own_prefixes: c.own,
          groups: { peers: { irr_filter: true } },
        });
        const servers = c.rtr.map((r) => RtrServerSchema.safeParse(r));
        if (!policy.success || servers.some((r) => !r.success)) {
          refused += 1;
          return;
        }
        const rtr_servers: RtrServer[] = servers.map((r) => r.data as RtrServer);
        const sessions: RenderSession[] = PEERS.map((ip, i) => ({
          peer_ipaddr: ip,
          peer_asn: 64512 + i,
          peer_name: 'Peer',
          peer_group: null,
          prfx_max: null,
          password: null,
          note: null,
          source_ipaddr: null,
          source_asn: 64500,
          exchange_id: c.exchange,
          peer_type: c.peerType,
          // The IRR lists come from the IRR refresh, unchecked until prepare.
          irr: c.irr as IrrPrefixList | null,
        }));
        const withRtr = { ...router, rtr_servers };
        const renderPolicy: RenderPolicy = policy.data;
        const intended = sessions.map((s) => s.peer_ipaddr).sort();
        for (const platform of DAEMON_PLATFORMS) {
          try {
            rendered.push({
              platform,
              text: render(platform, withRtr, sessions, renderPolicy),
              intended,
              policies: [],
            });
          } catch (err) {
            // A render refuses what no router could take (and the API answers 422): never a crash.
            expect(err).toBeInstanceOf(RenderError);
            refused += 1;
          }
        }
      }),
      // One well-formed case always runs, so the IRR and RTR branches are reached whatever the seed.
      { numRuns: RUNS, examples: [[WELL_FORMED_POLICY_CASE]] },
    );
    expect(rendered.length).toBeGreaterThan(0);
    const failures: string[] = [];
    const queue = [...rendered];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let r = queue.shift(); r; r = queue.shift()) {
          const parsed = await parseWithDaemon(r.platform, r.text);
          const exact =
            JSON.stringify(declaredNeighbors(r.platform, r.text)) === JSON.stringify(r.intended) &&
            neighborStatementCount(r.platform, r.text) ===
              r.intended.length * STATEMENTS_PER_NEIGHBOR[r.platform];
          if (!parsed.ok || !exact) failures.push(`${r.platform}: ${parsed.output}\n${r.text}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(refused).toBeGreaterThan(0);
    // The runs reached the new inputs: IRR lists and RTR servers were rendered and parsed.
    expect(rendered.some((r) => /_irr\b/.test(r.text))).toBe(true);
    expect(rendered.some((r) => /pf_rtr_1|rpki cache|\[\[rpki-servers\]\]|^rtr /m.test(r.text))).toBe(true);
  });
});
