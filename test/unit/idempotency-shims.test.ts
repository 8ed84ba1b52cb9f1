import { search } from '@aws-lambda-powertools/jmespath';
import { describe, expect, it } from 'vitest';
import { search as plainFieldSearch } from '../../infra/lambda-shims/jmespath-plain-field';
import { KEYS } from '../../shared/platform/storage/keys';
import { IDEMPOTENCY_KEY_PREFIX } from '../../shared/platform/storage/idempotency-store';
import { readIdempotencyKey } from '../../shared/platform/http/idempotency';

describe('the JMESPath stand-in of the Lambda bundles', () => {
  const call = {
    scope: { route: 'sendRequest', user: 'u-1', key: 'k' },
    request: { params: null, query: null, body: { peer_participant_id: 2, public_ids: [1, 2] } },
  };

  it('reads the expressions the idempotency runner uses exactly as JMESPath does', () => {
    for (const expression of ['scope', 'request', 'missing']) {
      expect(plainFieldSearch(expression, call)).toEqual(search(expression, call));
    }
    expect(plainFieldSearch('scope', null)).toEqual(search('scope', null));
  });

  it('refuses any other expression rather than reading the wrong thing', () => {
    for (const expression of ['scope.key', '[scope, request]', 'body."idempotency-key"', '']) {
      expect(() => plainFieldSearch(expression, call)).toThrow(/plain fields only/);
    }
  });
});

describe('Idempotency-Key records', () => {
  it('have the sort key shape the key map declares', () => {
    expect(KEYS.idempotencyRecord.keys.table.sk.parse(`${IDEMPOTENCY_KEY_PREFIX}#abc+/=`)).toEqual({
      hash: 'abc+/=',
    });
  });

  it('take keys of 1 to 255 printable characters', () => {
    expect(readIdempotencyKey({})).toBeUndefined();
    for (const key of ['a', 'order 42/retry', '~'.repeat(255)]) {
      expect(readIdempotencyKey({ 'idempotency-key': key })).toBe(key);
    }
    for (const key of ['', ' a', 'a ', 'a\nb', 'é', 'x'.repeat(256)]) {
      expect(() => readIdempotencyKey({ 'idempotency-key': key })).toThrow(/not a valid key/);
    }
  });
});
