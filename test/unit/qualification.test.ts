import { describe, expect, it } from 'vitest';
import type { Contact } from '../../shared/peeringdb/model';
import { qualify } from '../../shared/peers/qualify';
import { type QualificationRules, QualificationRulesSchema } from '../../shared/settings/settings-schema';
import { testContact, testNetwork } from '../support/objects';

const network = testNetwork;

function contact(role: string, email = `${role.toLowerCase()}@example.net`): Contact {
  return testContact({ id: Math.floor(Math.random() * 1e6), role, email });
}

const rules = (overrides: Partial<QualificationRules> = {}): QualificationRules =>
  QualificationRulesSchema.parse({ allowed_policies: [], ...overrides });

describe('qualify', () => {
  it('says so when no rule is set, and qualifies', () => {
    const q = qualify(network(), [], rules());
    expect(q).toEqual({ qualified: true, overridden: false, reasons: ['no qualification rule is set'] });
  });

  it('applies the minimum IPv4 prefixes on both sides of the line', () => {
    const r = rules({ min_prefixes4: 500 });
    expect(qualify(network({ info_prefixes4: 500 }), [], r)).toMatchObject({
      qualified: true,
      reasons: ['info_prefixes4 500 meets minimum 500'],
    });
    expect(qualify(network({ info_prefixes4: 499 }), [], r)).toMatchObject({
      qualified: false,
      reasons: ['info_prefixes4 499 below 500'],
    });
    expect(qualify(network({ info_prefixes4: null }), [], r)).toMatchObject({
      qualified: false,
      reasons: ['info_prefixes4 not disclosed (minimum 500)'],
    });
  });

  it('applies the minimum IPv6 prefixes on both sides of the line', () => {
    const r = rules({ min_prefixes6: 10 });
    expect(qualify(network({ info_prefixes6: 10 }), [], r).qualified).toBe(true);
    expect(qualify(network({ info_prefixes6: 9 }), [], r)).toMatchObject({
      qualified: false,
      reasons: ['info_prefixes6 9 below 10'],
    });
  });

  it('allows only the listed policy_general values', () => {
    const r = rules({ allowed_policies: ['Open', 'Selective'] });
    expect(qualify(network({ policy_general: 'Open' }), [], r)).toMatchObject({
      qualified: true,
      reasons: ['policy_general Open is allowed'],
    });
    expect(qualify(network({ policy_general: 'Restrictive' }), [], r)).toMatchObject({
      qualified: false,
      reasons: ['policy_general Restrictive is not allowed (allowed: Open, Selective)'],
    });
    expect(qualify(network({ policy_general: '' }), [], r).reasons[0]).toBe(
      'policy_general not set is not allowed (allowed: Open, Selective)',
    );
  });

  it('allows only the listed info_type values', () => {
    const r = rules({ allowed_types: ['NSP', 'Content'] });
    expect(qualify(network({ info_type: 'Content' }), [], r).qualified).toBe(true);
    expect(qualify(network({ info_type: 'Enterprise' }), [], r)).toMatchObject({
      qualified: false,
      reasons: ['info_type Enterprise is not allowed (allowed: NSP, Content)'],
    });
  });

  it('allows only the listed info_ratio values', () => {
    const r = rules({ allowed_ratios: ['Balanced'] });
    expect(qualify(network({ info_ratio: 'Balanced' }), [], r).reasons).toEqual([
      'info_ratio Balanced is allowed',
    ]);
    expect(qualify(network({ info_ratio: 'Heavy Outbound' }), [], r).qualified).toBe(false);
  });

  it('refuses excluded ASNs and says the others are not excluded', () => {
    const r = rules({ excluded_asns: [64500] });
    expect(qualify(network({ asn: 64500 }), [], r)).toMatchObject({
      qualified: false,
      reasons: ['AS64500 is excluded'],
    });
    expect(qualify(network({ asn: 64501 }), [], r)).toMatchObject({
      qualified: true,
      reasons: ['AS64501 is not excluded'],
    });
  });

  it('disqualifies route servers by PeeringDB type (either type field) or by the exchange rs_asn, unless the rule is off', () => {
    const typed = network({ info_type: 'Route Server', info_types: ['Route Server'] });
    expect(qualify(typed, [], rules())).toMatchObject({
      qualified: false,
      reasons: ['route server (info_type Route Server)'],
    });
    // PeeringDB's newer multiple choice may hold the type while info_type names another one.
    const multi = network({ info_type: 'Content', info_types: ['Content', 'Route Server'] });
    expect(qualify(multi, [], rules()).qualified).toBe(false);
    const byAsn = network({ asn: 6695, info_type: 'Non-Profit', info_types: [] });
    expect(qualify(byAsn, [], rules(), null, { routeServerAsns: new Set([6695]) })).toMatchObject({
      qualified: false,
      reasons: ["route server (AS6695 is the exchange's route-server ASN)"],
    });
    expect(qualify(byAsn, [], rules()).qualified).toBe(true);
    expect(qualify(typed, [], rules({ exclude_route_servers: false }))).toEqual({
      qualified: true,
      overridden: false,
      reasons: ['no qualification rule is set'],
    });
  });

  it('never qualifies our own ASN', () => {
    const q = qualify(network({ asn: 64500 }), [], rules(), null, { ownAsn: 64500 });
    expect(q).toMatchObject({ qualified: false, reasons: ['AS64500 is our own ASN'] });
    expect(qualify(network({ asn: 64501 }), [], rules(), null, { ownAsn: 64500 }).qualified).toBe(true);
  });

  it('requires a policy contact with an email when the rule says so', () => {
    const r = rules({ require_policy_contact: true });
    expect(qualify(network(), [contact('NOC'), contact('Policy')], r)).toMatchObject({
      qualified: true,
      reasons: ['has a policy contact with an email'],
    });
    expect(qualify(network(), [contact('NOC'), contact('Policy', '')], r)).toMatchObject({
      qualified: false,
      reasons: ['no policy contact with an email'],
    });
    expect(qualify(network(), [], rules()).qualified).toBe(true);
  });

  it('requires IPv6 when the rule says so', () => {
    const r = rules({ require_ipv6: true });
    expect(qualify(network({ info_ipv6: true }), [], r).reasons).toEqual(['info_ipv6 is set']);
    expect(qualify(network({ info_ipv6: false }), [], r)).toMatchObject({
      qualified: false,
      reasons: ['info_ipv6 is not set'],
    });
  });

  it('lists failed rules first, then the passed ones', () => {
    const r = rules({ min_prefixes4: 10, allowed_policies: ['Open'], require_ipv6: true });
    const q = qualify(network({ info_prefixes4: 5, info_ipv6: false }), [], r);
    expect(q.qualified).toBe(false);
    expect(q.reasons).toEqual([
      'info_prefixes4 5 below 10',
      'info_ipv6 is not set',
      'policy_general Open is allowed',
    ]);
  });

  it('lets an override win either way and keeps the rule reasons after its own', () => {
    const r = rules({ allowed_policies: ['Open'] });
    const time = '2026-01-01T00:00:00.000Z';
    const up = qualify(network({ policy_general: 'Restrictive' }), [], r, {
      qualified: true,
      reason: 'agreed at the meeting',
      user: 'a@example.net',
      time,
    });
    expect(up).toEqual({
      qualified: true,
      overridden: true,
      reasons: [
        'overridden to qualified: agreed at the meeting',
        'rule: policy_general Restrictive is not allowed (allowed: Open)',
      ],
    });
    const down = qualify(network(), [], r, { qualified: false, reason: 'bad experience', user: null, time });
    expect(down.qualified).toBe(false);
    expect(down.reasons[0]).toBe('overridden to not qualified: bad experience');
  });

  it('uses the default rules from settings: Open and Selective policies only', () => {
    const defaults = QualificationRulesSchema.parse({});
    expect(qualify(network({ policy_general: 'Selective' }), [], defaults).qualified).toBe(true);
    expect(qualify(network({ policy_general: 'No' }), [], defaults).qualified).toBe(false);
  });
});
