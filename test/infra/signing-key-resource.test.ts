import { createPrivateKey, createPublicKey, type JsonWebKey, sign, verify } from 'node:crypto';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';

/*
 * There is no local Secrets Manager to run against, so the client is replaced by one that records
 * what would have been written; the keys themselves are real and checked by signing with them.
 */
const written = vi.hoisted(() => [] as { SecretId: string; SecretString: string }[]);
vi.mock('@aws-sdk/client-secrets-manager', () => ({
  SecretsManagerClient: class {
    async send(command: { input: { SecretId: string; SecretString: string } }) {
      written.push(command.input);
      return {};
    }
  },
  PutSecretValueCommand: class {
    constructor(readonly input: unknown) {}
  },
}));

const { handler } = await import('../../functions/custom-resources/signing-key');

const props = { ServiceToken: 'token', PrivateKeySecretArn: 'arn:private', JwksSecretArn: 'arn:jwks' };
const base = {
  ServiceToken: 'token',
  ResponseURL: 'https://example.invalid',
  StackId: 'stack',
  RequestId: 'request',
  LogicalResourceId: 'SigningKey',
  ResourceType: 'Custom::SigningKey',
};

beforeEach(() => {
  written.length = 0;
});

describe('the signing key custom resource', () => {
  it('writes a P-256 private key and the JWKS that verifies its signatures on create', async () => {
    const event = {
      ...base,
      RequestType: 'Create',
      ResourceProperties: props,
    } as CloudFormationCustomResourceEvent;
    const result = await handler(event);
    expect(written.map((w) => w.SecretId)).toEqual(['arn:private', 'arn:jwks']);
    const privateJwk = JSON.parse(written[0]!.SecretString) as JsonWebKey & { kid: string };
    const jwks = JSON.parse(written[1]!.SecretString) as { keys: (JsonWebKey & { kid: string })[] };
    expect(privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kid: privateJwk.kid, alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]!.d).toBeUndefined();
    expect(result.PhysicalResourceId).toBe(privateJwk.kid);
    const signature = sign(
      'sha256',
      Buffer.from('peerflow'),
      createPrivateKey({ key: privateJwk, format: 'jwk' }),
    );
    const publicKey = createPublicKey({ key: jwks.keys[0]!, format: 'jwk' });
    expect(verify('sha256', Buffer.from('peerflow'), publicKey, signature)).toBe(true);
  });

  it('keeps the key on an update that names the same secrets, and replaces it for new ones', async () => {
    const update = {
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: 'kid-1',
      ResourceProperties: props,
      OldResourceProperties: props,
    } as CloudFormationCustomResourceEvent;
    expect(await handler(update)).toEqual({ PhysicalResourceId: 'kid-1' });
    expect(written).toEqual([]);

    const moved = { ...update, ResourceProperties: { ...props, JwksSecretArn: 'arn:jwks-2' } };
    const result = await handler(moved as CloudFormationCustomResourceEvent);
    expect(result.PhysicalResourceId).not.toBe('kid-1');
    expect(written.map((w) => w.SecretId)).toEqual(['arn:private', 'arn:jwks-2']);
  });

  it('leaves the secrets to CloudFormation on delete', async () => {
    const event = {
      ...base,
      RequestType: 'Delete',
      PhysicalResourceId: 'kid-1',
      ResourceProperties: props,
    } as CloudFormationCustomResourceEvent;
    expect(await handler(event)).toEqual({ PhysicalResourceId: 'kid-1' });
    expect(written).toEqual([]);
  });
});
