import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { generateSigningKey, publicJwks } from '../../shared/platform/auth/keys';

/**
 * Custom resource (Provider framework): the ES256 key pair that signs peerflow tokens. It is made
 * once, when the stack is created, and written to two secrets: the private JWK (read by login only)
 * and the public JWKS (read by the authorizer and the JWKS route). The key never appears in the
 * template, in the resource's response data or in a log line.
 */
interface SigningKeyProperties {
  PrivateKeySecretArn: string;
  JwksSecretArn: string;
}

const secrets = new SecretsManagerClient({});

async function writeNewKey(props: SigningKeyProperties): Promise<string> {
  const key = generateSigningKey();
  await secrets.send(
    new PutSecretValueCommand({ SecretId: props.PrivateKeySecretArn, SecretString: JSON.stringify(key) }),
  );
  await secrets.send(
    new PutSecretValueCommand({
      SecretId: props.JwksSecretArn,
      SecretString: JSON.stringify(publicJwks(key)),
    }),
  );
  return key.kid;
}

export const handler = async (
  event: CloudFormationCustomResourceEvent,
): Promise<{ PhysicalResourceId: string }> => {
  const props = event.ResourceProperties as unknown as SigningKeyProperties;
  switch (event.RequestType) {
    case 'Create':
      return { PhysicalResourceId: await writeNewKey(props) };
    case 'Update': {
      const old = event.OldResourceProperties as unknown as SigningKeyProperties;
      // New secrets start empty and need a key; the same secrets keep theirs so issued tokens stay valid.
      const sameSecrets =
        old.PrivateKeySecretArn === props.PrivateKeySecretArn && old.JwksSecretArn === props.JwksSecretArn;
      return { PhysicalResourceId: sameSecrets ? event.PhysicalResourceId : await writeNewKey(props) };
    }
    case 'Delete':
      // The secrets are the stack's own resources; CloudFormation deletes them.
      return { PhysicalResourceId: event.PhysicalResourceId };
  }
};
