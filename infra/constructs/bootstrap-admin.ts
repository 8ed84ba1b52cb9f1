import { CustomResource, Duration, Validations } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ActionFunction } from './action-function';
import { customResourceProvider } from './custom-resource-provider';
import type { PeerflowTable } from './table';

export interface BootstrapAdminProps {
  email: string;
  table: PeerflowTable;
  logRetention: RetentionDays;
  environment: Record<string, string>;
}

/** The first admin account, with a generated password kept in a secret for the operator to read. */
export class BootstrapAdmin extends Construct {
  readonly password: Secret;
  readonly creator: ActionFunction;

  constructor(scope: Construct, id: string, props: BootstrapAdminProps) {
    super(scope, id);
    this.password = new Secret(this, 'Password', {
      description: `Initial password of the peerflow admin ${props.email}; change it after the first login`,
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
    });
    Validations.of(this.password).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'Only the first login uses this password; the admin then sets their own through the API.',
    });

    this.creator = new ActionFunction(this, 'Creator', {
      entry: 'functions/custom-resources/bootstrap-admin.ts',
      description: 'Creates the first admin account of the deployment',
      logRetention: props.logRetention,
      environment: props.environment,
      memorySize: 512,
      timeout: Duration.seconds(30),
    });
    this.creator.bindTable(props.table, 'read-write');
    this.creator.allow(['secretsmanager:GetSecretValue'], [this.password.secretArn]);

    const provider = customResourceProvider(this, 'Provider', this.creator, props.logRetention);
    new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::BootstrapAdmin',
      properties: { Email: props.email, PasswordSecretArn: this.password.secretArn },
    });
  }
}
