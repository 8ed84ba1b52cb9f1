import { CfnOutput, Duration, Stack, type StackProps, Token } from 'aws-cdk-lib';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  HostedZone,
  type IHostedZone,
  type IPublicHostedZone,
  PublicHostedZone,
} from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import type { RouteAccess, RouteContract } from '../../shared/platform/http/contract';
import { ActionFunction, type ActionFunctionProps } from '../constructs/action-function';
import { AlarmTopic } from '../constructs/alarm-topic';
import { SPLIT_ENTRIES } from '../constructs/bundling';
import { BootstrapAdmin } from '../constructs/bootstrap-admin';
import { CursorKey } from '../constructs/cursor-key';
import { DataMigrations } from '../constructs/data-migrations';
import { Delivery } from '../constructs/delivery';
import { Events } from '../constructs/events';
import { PeerflowApi } from '../constructs/http-api';
import { Mailer } from '../constructs/mailer';
import { SigningKey } from '../constructs/signing-key';
import { SyncJob } from '../constructs/sync-job';
import { IrrRefreshJob } from '../constructs/irr-refresh-job';
import { PeerflowTable } from '../constructs/table';
import { ContextError, type DeploymentContext } from '../context';
import { pascalCase, RouteAreaStack } from './route-area-stack';

export interface PeerflowStackProps extends StackProps {
  deployment: DeploymentContext;
  routes: readonly RouteContract[];
}

const AUTHORIZER_ENTRY = 'functions/authorizer/authorize.ts';

/** Handlers that read files of an npm package at run time get those files beside their bundle. */
const BUNDLE_FILES: Record<string, ActionFunctionProps['bundleFiles']> = {
  'functions/http/system/get-explorer-asset.ts': {
    folder: 'explorer',
    files: [
      'node_modules/swagger-ui-dist/swagger-ui-bundle.js',
      'node_modules/swagger-ui-dist/swagger-ui.css',
    ],
  },
};

/** Handlers that ship a build artefact: the OpenAPI document is generated once, at build time. */
export const AFTER_BUNDLING: Record<string, ActionFunctionProps['afterBundling']> = {
  'functions/http/system/get-openapi.ts': (outputDir) => [
    `npx tsx scripts/generate-openapi.ts --out "${outputDir}/openapi.json"`,
  ],
  ...Object.fromEntries(
    [...SPLIT_ENTRIES].map((entry) => [
      entry,
      (outputDir: string) => [`npx tsx scripts/bundle-split.ts ${entry} --out "${outputDir}"`],
    ]),
  ),
};

/** `functions/http/users/post-login.ts` -> `HttpUsersPostLogin`: stable ids, so logical ids stay put. */
export function functionId(entry: string): string {
  return pascalCase(entry.replace(/^functions\//, '').replace(/\.ts$/, ''));
}

/** The area a function belongs to: the tag of the first route it serves. */
function areaOf(contracts: readonly RouteContract[]): string {
  return contracts[0]!.tag;
}

/** What one function may touch: the union of the access of every route it serves. */
export function combinedAccess(contracts: readonly RouteContract[]): RouteAccess {
  const access: RouteAccess = {};
  for (const { access: a } of contracts) {
    if (a.table === 'read-write' || (a.table === 'read' && access.table === undefined))
      access.table = a.table;
    for (const key of [
      'email',
      'signingKey',
      'jwks',
      'cursorKey',
      'startSync',
      'startDeployment',
      'poll',
      'secrets',
      'publishEvents',
    ] as const) {
      if (a[key]) access[key] = true;
    }
  }
  return access;
}

/**
 * One customer's peerflow: the table, the signing key, the cursor key, the sync job, SES, the
 * session-password key, and the HTTP API with one function per handler file of the route table, each
 * granted exactly what its routes declare. A route added to the table is deployed with no change here.
 *
 * The functions of the routes are in one nested stack per area of the API (the contracts' `tag`),
 * so that no template comes near CloudFormation's 500 resources per stack as routes are added: this
 * stack holds what is shared and one resource per route, an area's stack about five per function.
 */
export class PeerflowStack extends Stack {
  readonly table: PeerflowTable;
  readonly signingKey: SigningKey;
  readonly cursorKey: CursorKey;
  readonly syncJob: SyncJob;
  readonly irrJob: IrrRefreshJob;
  readonly mailer: Mailer;
  readonly sessionPasswordKey: Key;
  readonly authorizer: ActionFunction;
  readonly http: PeerflowApi;
  readonly admin?: BootstrapAdmin;
  readonly migrations: DataMigrations;
  /** Delivery to routers; absent without the delivery VPC's subnets (`-c deliverySubnetIds`). */
  readonly delivery?: Delivery;
  /** The event bus, and the webhook deliveries of its events. */
  readonly events: Events;
  /** Keyed by handler entry file. */
  readonly actions = new Map<string, ActionFunction>();
  /** The nested stack of each area of the API, keyed by the contracts' tag. */
  readonly areas = new Map<string, RouteAreaStack>();

  constructor(scope: Construct, id: string, props: PeerflowStackProps) {
    super(scope, id, props);
    const d = props.deployment;
    const environment = {
      JWT_ISSUER: `peerflow-${d.customer}`,
      JWT_AUDIENCE: 'peerflow-api',
      LOG_LEVEL: d.logLevel,
      IRR_HOST: d.irr.host,
      IRR_PORT: String(d.irr.port),
      IRR_SOURCES: d.irr.sources,
    };
    const logRetention = d.logRetentionDays;

    const zone = this.hostedZone(d);
    this.table = new PeerflowTable(this, 'Data');
    this.signingKey = new SigningKey(this, 'SigningKey', { logRetention, environment });
    this.cursorKey = new CursorKey(this, 'CursorKey');
    if (d.adminEmail) {
      this.admin = new BootstrapAdmin(this, 'FirstAdmin', {
        email: d.adminEmail,
        table: this.table,
        logRetention,
        environment,
      });
    }
    this.migrations = new DataMigrations(this, 'DataMigrations', {
      table: this.table,
      logRetention,
      environment,
    });
    this.syncJob = new SyncJob(this, 'PeeringDbSync', {
      table: this.table,
      logRetention,
      environment,
      withApiKeySecret: d.peeringdbApiKey,
    });
    this.irrJob = new IrrRefreshJob(this, 'IrrRefresh', { table: this.table, logRetention, environment });
    const alarms = d.alarmEmail ? new AlarmTopic(this, 'Alarms', { email: d.alarmEmail }) : undefined;
    alarms?.notify(this.syncJob.errorsAlarm, this.syncJob.deadLetterAlarm, this.irrJob.errorsAlarm);
    this.mailer = new Mailer(this, 'Mail', {
      emailDomain: d.emailDomain,
      emailFrom: d.emailFrom,
      // Only a zone given by id is known to be public here; a looked-up one gets its DKIM records by hand.
      hostedZone: d.hostedZoneId ? (zone as IPublicHostedZone) : undefined,
      zoneName: d.domain,
    });
    this.sessionPasswordKey = new Key(this, 'SessionPasswordKey', {
      description: 'Encrypts the MD5 passwords of BGP sessions',
      enableKeyRotation: true,
    });

    this.events = new Events(this, 'Events', {
      table: this.table,
      secretKey: this.sessionPasswordKey,
      logRetention,
      environment,
    });
    alarms?.notify(this.events.deadLetterAlarm);

    if (d.delivery) {
      this.delivery = new Delivery(this, 'Delivery', {
        table: this.table,
        sessionPasswordKey: this.sessionPasswordKey,
        logRetention,
        environment,
        ...d.delivery,
      });
      // A deployment's end is an event; so are the polls' state changes and failures.
      for (const fn of [this.delivery.job, this.delivery.poller]) {
        fn.bindEvents('EVENT_BUS_NAME', this.events.bus.eventBusName, this.events.bus.eventBusArn);
      }
    }

    this.http = new PeerflowApi(this, 'Http', {
      logRetention,
      throttleRate: d.throttleRate,
      throttleBurst: d.throttleBurst,
      corsOrigins: d.corsOrigins,
      ...(zone && d.domain ? { customDomain: { name: `api-${d.customer}.${d.domain}`, zone } } : {}),
    });

    this.authorizer = new ActionFunction(this, 'Authorizer', {
      entry: AUTHORIZER_ENTRY,
      description: 'Verifies bearer tokens for every protected route',
      logRetention,
      environment,
    });
    this.grant(this.authorizer, { table: 'read', jwks: true });
    const authorizer = new HttpLambdaAuthorizer('BearerToken', this.authorizer.function, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.seconds(d.authorizerCacheSeconds),
    });

    const byHandler = new Map<string, RouteContract[]>();
    for (const contract of props.routes) {
      byHandler.set(contract.handler, [...(byHandler.get(contract.handler) ?? []), contract]);
    }
    for (const [entry, contracts] of byHandler) {
      const id = functionId(entry);
      const area = this.area(areaOf(contracts));
      const action = new ActionFunction(area, id, {
        entry,
        // Lambda caps descriptions at 256 characters.
        description: contracts
          .map((c) => `${c.operationId}: ${c.method} ${c.path}`)
          .join('; ')
          .slice(0, 256),
        logRetention,
        environment,
        bundleFiles: BUNDLE_FILES[entry],
        afterBundling: AFTER_BUNDLING[entry],
      });
      this.grant(action, combinedAccess(contracts));
      this.actions.set(entry, action);
      const integration = area.integrate(id, action.function, this.http.api, contracts);
      for (const contract of contracts) {
        this.http.addRoute(contract, integration, contract.role === 'public' ? undefined : authorizer);
      }
    }
    // Login is the one route whose every call costs a deliberately slow password check.
    const login = props.routes.find((c) => c.operationId === 'login');
    if (login && d.loginThrottle) this.http.throttleRoute(login, d.loginThrottle);

    new CfnOutput(this, 'ApiUrl', {
      value: this.http.domainName ? `https://${this.http.domainName.name}/` : this.http.url,
    });
    new CfnOutput(this, 'ApiEndpoint', { value: this.http.url });
    new CfnOutput(this, 'SyncFunctionName', { value: this.syncJob.job.function.functionName });
    if (this.mailer.identity && this.mailer.dkimByHand) {
      this.mailer.identity.dkimRecords.forEach((record, i) => {
        new CfnOutput(this, `DkimRecord${i + 1}`, { value: `${record.name} CNAME ${record.value}` });
      });
    }
    if (this.admin) new CfnOutput(this, 'AdminPasswordSecret', { value: this.admin.password.secretArn });
    if (this.syncJob.apiKeySecret) {
      new CfnOutput(this, 'PeeringDbApiKeySecret', { value: this.syncJob.apiKeySecret.secretArn });
    }
  }

  /** The nested stack of one area of the API, made when its first function is. */
  private area(tag: string): RouteAreaStack {
    let area = this.areas.get(tag);
    if (!area) {
      area = new RouteAreaStack(this, `${pascalCase(tag)}Routes`, { area: tag });
      this.areas.set(tag, area);
    }
    return area;
  }

  private grant(action: ActionFunction, access: RouteAccess): void {
    if (access.table) action.bindTable(this.table, access.table);
    if (access.signingKey) action.bindSecret('SIGNING_KEY_SECRET_ARN', this.signingKey.privateKeySecret);
    if (access.jwks) action.bindSecret('JWKS_SECRET_ARN', this.signingKey.jwksSecret);
    if (access.cursorKey) action.bindSecret('CURSOR_KEY_SECRET_ARN', this.cursorKey.secret);
    // A function that reads the key must not start before the key has been written (for a function
    // of an area, its whole nested stack waits for the key).
    if (access.signingKey || access.jwks) action.node.addDependency(this.signingKey.resource);
    if (access.email) action.bindEmail(this.mailer);
    if (access.startSync) action.bindInvoke('SYNC_FUNCTION_NAME', this.syncJob.job.function);
    if (access.secrets) action.bindKey('SESSION_PASSWORD_KEY_ID', this.sessionPasswordKey);
    if (access.publishEvents) {
      action.bindEvents('EVENT_BUS_NAME', this.events.bus.eventBusName, this.events.bus.eventBusArn);
    }
    // Without the delivery VPC there is no state machine: the route answers that delivery is off.
    if (access.startDeployment && this.delivery) {
      action.bindStart('DEPLOYMENT_STATE_MACHINE_ARN', this.delivery.stateMachine.stateMachineArn);
    }
    // An on-demand poll runs in the delivery VPC: the route invokes the polling function and waits.
    if (access.poll && this.delivery) action.bindInvoke('POLL_FUNCTION_NAME', this.delivery.poller.function);
  }

  private hostedZone(d: DeploymentContext): IHostedZone | undefined {
    if (!d.domain) return undefined;
    if (d.hostedZoneId) {
      return PublicHostedZone.fromPublicHostedZoneAttributes(this, 'Zone', {
        hostedZoneId: d.hostedZoneId,
        zoneName: d.domain,
      });
    }
    if (Token.isUnresolved(this.account) || Token.isUnresolved(this.region)) {
      throw new ContextError(
        'context "domain" needs "hostedZoneId", or AWS credentials and a region so that the zone can be looked up',
      );
    }
    return HostedZone.fromLookup(this, 'Zone', { domainName: d.domain });
  }
}
