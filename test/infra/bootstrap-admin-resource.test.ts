import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { login } from '../../shared/users/users';
import { usersRepository } from '../../shared/users/users-store';
import { removeAllUsers } from '../support/users';

/*
 * The account is written to this file's DynamoDB Local table; only Secrets Manager, which has no
 * local engine, is replaced by a stand-in that hands out the generated password.
 */
const secretValues = vi.hoisted(() => new Map<string, string>());
vi.mock('@aws-sdk/client-secrets-manager', () => ({
  SecretsManagerClient: class {
    async send(command: { input: { SecretId: string } }) {
      return { SecretString: secretValues.get(command.input.SecretId) };
    }
  },
  GetSecretValueCommand: class {
    constructor(readonly input: unknown) {}
  },
}));

const { handler } = await import('../../functions/custom-resources/bootstrap-admin');

function event(requestType: 'Create' | 'Update' | 'Delete', email: string, secretArn: string) {
  return {
    RequestType: requestType,
    ServiceToken: 'token',
    ResponseURL: 'https://example.invalid',
    StackId: 'stack',
    RequestId: 'request',
    LogicalResourceId: 'FirstAdmin',
    ResourceType: 'Custom::BootstrapAdmin',
    PhysicalResourceId: `admin:${email}`,
    ResourceProperties: { ServiceToken: 'token', Email: email, PasswordSecretArn: secretArn },
    OldResourceProperties: { ServiceToken: 'token', Email: email, PasswordSecretArn: secretArn },
  } as CloudFormationCustomResourceEvent;
}

describe('the bootstrap admin custom resource', () => {
  // Each case starts from a deployment without users: an admin is only created while there is none.
  beforeEach(async () => {
    await removeAllUsers();
  });

  it('creates an admin who can log in with the generated password', async () => {
    secretValues.set('arn:first', 'GeneratedPassword0123456789abcdef');
    const result = await handler(event('Create', 'first-admin@example.net', 'arn:first'));
    expect(result).toEqual({ PhysicalResourceId: 'admin:first-admin@example.net' });
    const session = await login('first-admin@example.net', 'GeneratedPassword0123456789abcdef');
    expect(session.user).toMatchObject({ email: 'first-admin@example.net', role: 'admin', disabled: false });
  });

  it('leaves an existing account alone on update, so a changed password stays changed', async () => {
    secretValues.set('arn:second', 'FirstPassword0123456789abcdefgh');
    await handler(event('Create', 'second-admin@example.net', 'arn:second'));
    const before = await usersRepository.getByEmail('second-admin@example.net');
    secretValues.set('arn:second', 'AnotherPassword0123456789abcdef');
    await handler(event('Update', 'second-admin@example.net', 'arn:second'));
    expect(await usersRepository.getByEmail('second-admin@example.net')).toEqual(before);
    await expect(login('second-admin@example.net', 'FirstPassword0123456789abcdefgh')).resolves.toBeDefined();
  });

  it('keeps the account when the resource is deleted', async () => {
    secretValues.set('arn:third', 'ThirdPassword0123456789abcdefgh');
    await handler(event('Create', 'third-admin@example.net', 'arn:third'));
    await handler(event('Delete', 'third-admin@example.net', 'arn:third'));
    expect(await usersRepository.getByEmail('third-admin@example.net')).toBeDefined();
  });

  it('adds no second admin when the email changes on an update', async () => {
    secretValues.set('arn:fourth', 'FourthPassword0123456789abcdefg');
    await handler(event('Create', 'fourth-admin@example.net', 'arn:fourth'));
    await handler(event('Update', 'renamed-admin@example.net', 'arn:fourth'));
    expect(await usersRepository.getByEmail('renamed-admin@example.net')).toBeUndefined();
    expect(await usersRepository.countAdmins()).toBe(1);
  });

  it('fails with a clear error when the password is below the policy', async () => {
    secretValues.set('arn:short', 'short');
    await expect(handler(event('Create', 'short-admin@example.net', 'arn:short'))).rejects.toThrow(
      /at least|12 to 256 characters/,
    );
    expect(await usersRepository.getByEmail('short-admin@example.net')).toBeUndefined();
  });
});
