import { CustomResource, Duration } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { MIGRATIONS } from '../../shared/app/migrations';
import { ActionFunction } from './action-function';
import { customResourceProvider } from './custom-resource-provider';
import type { PeerflowTable } from './table';

export interface DataMigrationsProps {
  table: PeerflowTable;
  logRetention: RetentionDays;
  environment: Record<string, string>;
}

/**
 * Runs the pending stored-data migrations (`shared/peers/migrations.ts`) during the deploy. The
 * PeeringDB sync runs them too, before each run; this makes a deploy not wait for the next one.
 */
export class DataMigrations extends Construct {
  readonly runner: ActionFunction;

  constructor(scope: Construct, id: string, props: DataMigrationsProps) {
    super(scope, id);
    this.runner = new ActionFunction(this, 'Runner', {
      entry: 'functions/custom-resources/data-migrations.ts',
      description: 'Runs the stored-data migrations a deploy brings',
      logRetention: props.logRetention,
      environment: props.environment,
      memorySize: 1024,
      timeout: Duration.minutes(14),
    });
    this.runner.bindTable(props.table, 'read-write');
    const provider = customResourceProvider(this, 'Provider', this.runner, props.logRetention);
    new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::DataMigrations',
      properties: { Migrations: MIGRATIONS.map((m) => m.name).join(',') },
    });
  }
}
