import { describe, expect, it } from 'vitest';
import {
  getExchangeRoute,
  listExchangesRoute,
  putPresenceRoute,
} from '../../shared/exchanges/exchanges-routes';
import { listPeersRoute } from '../../shared/peers/routes';
import { healthRoute } from '../../shared/system/routes';
import { loginRoute, updateUserRoute } from '../../shared/users/routes';
import { callRoute, routeUrl } from '../support/api';

describe('routeUrl', () => {
  it('puts the encoded parameters into the path and the query after it', () => {
    expect(routeUrl(getExchangeRoute, { public_id: 31 })).toBe('/exchanges/31');
    expect(routeUrl(updateUserRoute, { id: 'a b/c' })).toBe('/users/a%20b%2Fc');
    expect(routeUrl(listPeersRoute, { public_id: 1 }, { name: 'a&b', limit: 2, cursor: undefined })).toBe(
      '/exchanges/1/peers?name=a%26b&limit=2',
    );
    expect(routeUrl(listExchangesRoute, {}, { present: 'true' })).toBe('/exchanges?present=true');
  });

  it('refuses a path parameter left out', () => {
    expect(() => routeUrl(getExchangeRoute, {})).toThrow(/public_id/);
  });
});

// Never run: tsc checks that the contracts' names and types hold the calls to what the routes take.
export async function typeChecks() {
  const ok = await callRoute(getExchangeRoute, { token: 't', params: { public_id: 31 } });
  const name: string = ok.json.public_name;
  const message: string | undefined = ok.error?.message;
  await callRoute(healthRoute);
  await callRoute(listExchangesRoute, { query: { present: 'true', limit: 5 } });
  await callRoute(putPresenceRoute, { params: { public_id: 1 }, body: { router_id: null } });
  await callRoute(loginRoute, { body: { email: 'a@example.net', password: 'p' } });

  // @ts-expect-error a renamed path parameter
  await callRoute(getExchangeRoute, { params: { id: 31 } });
  // @ts-expect-error a path parameter left out
  await callRoute(getExchangeRoute, { params: {} });
  // @ts-expect-error no params at all
  await callRoute(getExchangeRoute, { token: 't' });
  // @ts-expect-error an id as text
  await callRoute(getExchangeRoute, { params: { public_id: '31' } });
  // @ts-expect-error an unknown query parameter
  await callRoute(listExchangesRoute, { query: { colour: 'red' } });
  // @ts-expect-error a query boolean not spelt as the route takes it
  await callRoute(listExchangesRoute, { query: { present: 'maybe' } });
  // @ts-expect-error a body field of the wrong type
  await callRoute(loginRoute, { body: { email: 'a@example.net', password: 1 } });
  // @ts-expect-error a body missing a required field
  await callRoute(loginRoute, { body: { email: 'a@example.net' } });
  // @ts-expect-error a body for a route that takes none
  await callRoute(getExchangeRoute, { params: { public_id: 31 }, body: {} });
  // @ts-expect-error a field the answer does not have
  void ok.json.no_such_field;
  return [name, message];
}
