import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration } from 'aws-cdk-lib';
import { PolicyDocument, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type IFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ESM_REQUIRE_BANNER, esbuildOptions, LAMBDA_ALIASES, LAMBDA_TARGET, NATIVE_ADDONS } from './bundling';
import type { Mailer } from './mailer';
import type { PeerflowTable } from './table';

/** The checkout's root: entries, package-lock.json and node_modules are found from here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
];
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

export interface ActionFunctionProps {
  /** Entry file, relative to the project root. */
  entry: string;
  description: string;
  logRetention: RetentionDays;
  /** Variables every function of the deployment gets (issuer, audience, log level). */
  environment: Record<string, string>;
  memorySize?: number;
  timeout?: Duration;
  /** Files from the project copied into a folder beside the bundle, read at run time. */
  bundleFiles?: { folder: string; files: string[] };
  /** Build steps whose output ships beside the bundle (run in the project root). */
  afterBundling?: (outputDir: string) => string[];
}

/**
 * One Lambda function of peerflow: ESM bundle for Node 24 on arm64, its own log group and a role
 * that starts with nothing but writing to that log group. Each `bind*` method sets the variable that
 * tells the code where a resource is together with the grant to use it, so a function never knows
 * of a resource it may not touch.
 */
export class ActionFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /**
   * Inline in the role rather than a policy resource of its own: one resource less per function,
   * which counts with a function per route against CloudFormation's 500 resources per stack.
   */
  private readonly policy = new PolicyDocument();

  constructor(scope: Construct, id: string, props: ActionFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
      inlinePolicies: { access: this.policy },
    });
    this.allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [this.logGroup.logGroupArn]);

    const copy = props.bundleFiles;
    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 1024,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_TARGET,
        minify: esbuildOptions.minify,
        // Linked (not external) so Node finds the map through the sourceMappingURL comment.
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        mainFields: esbuildOptions.mainFields,
        banner: ESM_REQUIRE_BANNER,
        bundleAwsSDK: true,
        externalModules: NATIVE_ADDONS,
        esbuildArgs: {
          '--legal-comments': esbuildOptions.legalComments,
          ...Object.fromEntries(Object.entries(LAMBDA_ALIASES).map(([from, to]) => [`--alias:${from}`, to])),
        },
        ...(copy || props.afterBundling
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => [
                  ...(copy
                    ? [
                        `mkdir -p "${outputDir}/${copy.folder}"`,
                        ...copy.files.map(
                          (file) => `cp "${inputDir}/${file}" "${outputDir}/${copy.folder}/"`,
                        ),
                      ]
                    : []),
                  ...(props.afterBundling
                    ? props.afterBundling(outputDir).map((c) => `cd "${inputDir}" && ${c}`)
                    : []),
                ],
              },
            }
          : {}),
      },
    });
  }

  /** A grant with no variable to go with it (for grants the binders below do not cover). */
  allow(actions: string[], resources: string[]): void {
    this.policy.addStatements(new PolicyStatement({ actions, resources }));
  }

  bindTable(table: PeerflowTable, mode: 'read' | 'read-write'): void {
    this.function.addEnvironment('TABLE_NAME', table.table.tableName);
    this.allow(TABLE_READ_ACTIONS, table.resourceArns);
    if (mode === 'read-write') this.allow(TABLE_WRITE_ACTIONS, [table.table.tableArn]);
  }

  bindSecret(variable: string, secret: ISecret): void {
    this.function.addEnvironment(variable, secret.secretArn);
    this.allow(['secretsmanager:GetSecretValue'], [secret.secretArn]);
  }

  bindEmail(mailer: Mailer): void {
    this.function.addEnvironment('SES_CONFIGURATION_SET', mailer.configurationSetName);
    this.allow(['ses:SendEmail', 'ses:SendRawEmail'], mailer.sendResourceArns);
  }

  bindInvoke(variable: string, target: IFunction): void {
    this.function.addEnvironment(variable, target.functionName);
    this.allow(['lambda:InvokeFunction'], [target.functionArn]);
  }

  /** Starts executions of one state machine. */
  bindStart(variable: string, stateMachineArn: string): void {
    this.function.addEnvironment(variable, stateMachineArn);
    this.allow(['states:StartExecution'], [stateMachineArn]);
  }

  /** Puts events on one EventBridge bus. */
  bindEvents(variable: string, busName: string, busArn: string): void {
    this.function.addEnvironment(variable, busName);
    this.allow(['events:PutEvents'], [busArn]);
  }

  /** Decrypts with the key, and nothing more (what reads a secret but never stores one). */
  bindDecryptKey(variable: string, key: IKey): void {
    this.function.addEnvironment(variable, key.keyArn);
    this.allow(['kms:Decrypt'], [key.keyArn]);
  }

  bindKey(variable: string, key: IKey): void {
    this.function.addEnvironment(variable, key.keyArn);
    this.allow(['kms:Encrypt', 'kms:Decrypt'], [key.keyArn]);
  }
}
