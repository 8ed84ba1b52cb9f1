import { beforeAll, describe, expect, it } from 'vitest';
import { patchSettingsRoute, putSettingsRoute } from '../../shared/settings/routes';
import { type ApiError, callRoute, tableSnapshot, userWithRole } from '../support/api';
import { syncObjects } from '../support/peeringdb';

/** PeeringDB knows network 1 (AS30483) and network 2 (AS64502); nothing has AS3800. */
let admin: string;

beforeAll(async () => {
  await syncObjects({
    ix: [{ id: 1 }],
    net: [
      { id: 1, asn: 30483, name: 'Example Transit' },
      { id: 2, asn: 64502, name: 'Other Network' },
    ],
  });
  admin = (await userWithRole('admin')).token;
});

const paths = (res: { error: ApiError | undefined }) => res.error?.details?.map((d) => d.path).sort();

describe('our network in the settings, against PeeringDB', () => {
  it('refuses an ASN that is not the participant’s, naming both fields, changing nothing', async () => {
    const before = await tableSnapshot();
    for (const settingsRoute of [putSettingsRoute, patchSettingsRoute]) {
      const res = await callRoute(settingsRoute, {
        token: admin,
        body: { source_asn: 3800, source_participant_id: 1 },
      });
      expect(res.status).toBe(422);
      expect(paths(res)).toEqual(['body.source_asn', 'body.source_participant_id']);
      expect(res.error?.details?.[0]?.message).toContain('AS30483');
    }
    expect(await tableSnapshot()).toEqual(before);
  });

  it('refuses a participant id PeeringDB does not know', async () => {
    const before = await tableSnapshot();
    for (const settingsRoute of [putSettingsRoute, patchSettingsRoute]) {
      const res = await callRoute(settingsRoute, { token: admin, body: { source_participant_id: 999_999 } });
      expect(res.status).toBe(422);
      expect(paths(res)).toEqual(['body.source_participant_id']);
    }
    expect(await tableSnapshot()).toEqual(before);
  });

  it('takes a matching pair, and fills the one left out from PeeringDB', async () => {
    const both = await callRoute(putSettingsRoute, {
      token: admin,
      body: { source_asn: 30483, source_participant_id: 1 },
    });
    expect(both.status).toBe(200);
    expect(both.json).toMatchObject({ source_asn: 30483, source_participant_id: 1 });

    const idOnly = await callRoute(putSettingsRoute, { token: admin, body: { source_participant_id: 2 } });
    expect(idOnly.json).toMatchObject({ source_asn: 64502, source_participant_id: 2 });

    const asnOnly = await callRoute(putSettingsRoute, { token: admin, body: { source_asn: 30483 } });
    expect(asnOnly.json).toMatchObject({ source_asn: 30483, source_participant_id: 1 });

    // An ASN PeeringDB does not know stands alone: the network may simply not be registered there.
    const unknownAsn = await callRoute(putSettingsRoute, { token: admin, body: { source_asn: 3800 } });
    expect(unknownAsn.json).toMatchObject({ source_asn: 3800, source_participant_id: null });
  });

  it('derives the other one again when a PATCH changes one of them, and keeps both otherwise', async () => {
    await callRoute(putSettingsRoute, {
      token: admin,
      body: { source_participant_id: 1, email_from: 'peering@example.net' },
    });
    const moved = await callRoute(patchSettingsRoute, { token: admin, body: { source_participant_id: 2 } });
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({
      source_asn: 64502,
      source_participant_id: 2,
      email_from: 'peering@example.net',
    });
    const byAsn = await callRoute(patchSettingsRoute, { token: admin, body: { source_asn: 30483 } });
    expect(byAsn.json).toMatchObject({ source_asn: 30483, source_participant_id: 1 });
    const other = await callRoute(patchSettingsRoute, { token: admin, body: { company_name: 'Example' } });
    expect(other.json).toMatchObject({
      source_asn: 30483,
      source_participant_id: 1,
      company_name: 'Example',
    });
  });
});
