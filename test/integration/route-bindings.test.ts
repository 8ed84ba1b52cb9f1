import { afterEach, describe, expect, it, vi } from 'vitest';
import { routes } from '../../shared/app/route-table';
import type { RouteContract } from '../../shared/platform/http/contract';
import { currentRequestKeys, logger } from '../../shared/platform/logger';
import { call, userWithRole } from '../support/api';

/** The contracts a handler module serves: its own, or each of its methods' for a multi-route function. */
function boundContracts(handler: unknown): readonly RouteContract[] {
  const h = handler as { contract?: RouteContract; contracts?: readonly RouteContract[] };
  return h.contracts ?? (h.contract ? [h.contract] : []);
}

describe('each route and its handler file', () => {
  for (const route of routes) {
    it(`${route.operationId}: ${route.handler} serves it with that very contract`, async () => {
      const { handler } = (await import(`../../${route.handler}`)) as { handler: unknown };
      const bound = boundContracts(handler);
      expect(bound).toContain(route);
      // Every contract the file serves is a route of the table that names this file.
      for (const contract of bound) {
        expect(routes).toContain(contract);
        expect(contract.handler).toBe(route.handler);
      }
    });
  }
});

describe('log keys of nested calls', () => {
  afterEach(() => vi.restoreAllMocks());

  /** The operation named on each "request done" line, in the order the lines were written. */
  function watchRequestLines(): string[] {
    const operations: string[] = [];
    const info = logger.info.bind(logger) as (...args: unknown[]) => void;
    vi.spyOn(logger, 'info').mockImplementation((...args: unknown[]) => {
      if (args[0] === 'request done') operations.push(currentRequestKeys().operation ?? '');
      info(...args);
    });
    return operations;
  }

  it('runs a v1 POST under the POST contract, and its last line carries the gateway, not the inner action', async () => {
    const { token } = await userWithRole('viewer');
    const operations = watchRequestLines();
    const res = await call('POST', '/api/v1/api.php?target=peering&action=getRequests', {
      token,
      rawBody: 'status=sent',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(200);
    expect(res.json.success).toBe(1);
    expect(operations).toEqual(['getRequests', 'v1GatewayPost']);
  });

  it('runs a v1 GET under the GET contract', async () => {
    const { token } = await userWithRole('viewer');
    const operations = watchRequestLines();
    const res = await call('GET', '/api/v1/api.php?target=peering&action=getRequests', { token });
    expect(res.status).toBe(200);
    expect(operations).toEqual(['getRequests', 'v1GatewayGet']);
  });

  it('leaves no request keys behind once a request is done', async () => {
    const { token } = await userWithRole('viewer');
    await call('GET', '/api/v1/api.php?target=peering&action=getRequests', { token });
    expect(currentRequestKeys()).toEqual({});
  });
});
