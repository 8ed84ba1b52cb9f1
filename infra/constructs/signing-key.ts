import { type CfnElement, CustomResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ActionFunction } from './action-function';

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

    const provider = new Provider(this, 'Provider', {
      onEventHandler: generator.function,
      logGroup: new LogGroup(this, 'ProviderLogs', { retention: props.logRetention }),
    });
    // The Provider framework's own function and role are built by aws-cdk-lib and cannot be narrowed.
    const framework = provider.node.findChild('framework-onEvent');
    Validations.of(framework).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'The Provider framework function only writes its own logs with the basic execution role.',
      },
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(generator.function.node.defaultChild as CfnElement)}.Arn>:*]`,
        reason:
          'The Provider framework may invoke any version of the key generator, which is its only target.',
      },
    );
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
