import { CustomResource, Duration, Validations } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ActionFunction } from './action-function';
import { customResourceProvider } from './custom-resource-provider';

export interface SigningKeyProps {
  logRetention: RetentionDays;
  environment: Record<string, string>;
}

/**
 * The token signing key pair, generated inside the account at deploy time by a custom resource:
 * the private JWK in one secret, the public JWKS in another, so that only login can ever sign.
 */
export class SigningKey extends Construct {
  readonly privateKeySecret: Secret;
  readonly jwksSecret: Secret;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: SigningKeyProps) {
    super(scope, id);
    this.privateKeySecret = new Secret(this, 'PrivateKey', {
      description: 'peerflow token signing key (private JWK, ES256); read by login only',
    });
    this.jwksSecret = new Secret(this, 'Jwks', {
      description: 'peerflow token verification keys (public JWKS)',
    });
    const reason =
      'The value is an ES256 key pair written by the SigningKey custom resource; a Secrets Manager ' +
      'rotation would replace it with a random string that is not a key.';
    for (const secret of [this.privateKeySecret, this.jwksSecret]) {
      Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason });
    }

    const generator = new ActionFunction(this, 'Generator', {
      entry: 'functions/custom-resources/signing-key.ts',
      description: 'Generates the token signing key pair into its two secrets',
      logRetention: props.logRetention,
      environment: props.environment,
      memorySize: 256,
      timeout: Duration.seconds(30),
    });
    generator.allow(
      ['secretsmanager:PutSecretValue'],
      [this.privateKeySecret.secretArn, this.jwksSecret.secretArn],
    );

    const provider = customResourceProvider(this, 'Provider', generator, props.logRetention);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::SigningKey',
      properties: {
        PrivateKeySecretArn: this.privateKeySecret.secretArn,
        JwksSecretArn: this.jwksSecret.secretArn,
      },
    });
  }
}
