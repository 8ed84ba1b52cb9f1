import { Validations } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The key that signs list cursors: a random value Secrets Manager generates when the stack is
 * created (`{"key": "<64 letters and digits>"}`), so it never appears in the template. It is apart
 * from the token signing key so that the functions that list read this one and nothing that signs
 * tokens.
 */
export class CursorKey extends Construct {
  readonly secret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.secret = new Secret(this, 'Secret', {
      description: 'peerflow list cursor key (HMAC-SHA256)',
      generateSecretString: {
        secretStringTemplate: '{}',
        generateStringKey: 'key',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The key only signs list positions, which live 24 hours; a new value ends the cursors in ' +
        'flight and nothing else, so it is changed by hand (a new secret value) rather than by a rotation function.',
    });
  }
}
