import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { App, type CfnElement, NestedStack, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPeerflow } from '../../infra/build';
import { ActionFunction } from '../../infra/constructs/action-function';
import { ESM_REQUIRE_BANNER, SPLIT_ENTRIES } from '../../infra/constructs/bundling';
import { ContextError } from '../../infra/context';
import { AFTER_BUNDLING, type PeerflowStack } from '../../infra/stacks/peerflow-stack';
import type { RouteAccess, RouteContract } from '../../shared/platform/http/contract';
import { routes } from '../../shared/app/route-table';
import { MIGRATIONS } from '../../shared/app/migrations';

/*
 * Each synthesis below builds the whole app from the real route table and runs the AWS Solutions
 * checks. Bundling is left out of these (the context `aws:cdk:bundling-stacks: []`, as `cdk deploy
 * --exclusively` does) because bundling some sixty functions with the AWS SDK inside takes minutes
 * here; what is bundled and how is proven on real NodejsFunction bundles further down.
 *
 * The functions of the routes live in one nested stack per area. Lookups go to the template of the
 * stack a construct is in, and what a nested template receives from the root stack as a parameter
 * is read as the root's own expression, so that a grant on the table reads the same wherever the
 * function is.
 */
type Json = Record<string, unknown>;
type Resources = Record<string, { Type: string; Properties: Json; DeletionPolicy?: string }>;
interface TemplateJson {
  Resources: Resources;
  Parameters?: Json;
  Outputs?: Record<string, { Value: unknown }>;
}
interface Synth {
  stack: PeerflowStack;
  template: Template;
  resources: Resources;
  /** Every template of the app: the root stack's first, then each area's. */
  templates: Map<Stack, TemplateJson>;
  outdir: string;
}

// Set only by the CDK CLI; without them the stack is environment-agnostic, as in an offline synth.
delete process.env.CDK_DEFAULT_ACCOUNT;
delete process.env.CDK_DEFAULT_REGION;

const cdkContext = JSON.parse(readFileSync('cdk.json', 'utf8')).context as Json;

function synth(context: Record<string, string>, routeList: readonly RouteContract[] = routes): Synth {
  const outdir = mkdtempSync(join(tmpdir(), 'peerflow-cdk-'));
  const app = new App({
    outdir,
    // Version reporting on, as the CDK CLI has it: each template then counts its metadata resource.
    context: { ...cdkContext, ...context, 'aws:cdk:bundling-stacks': [], 'aws:cdk:version-reporting': true },
  });
  const stack = buildPeerflow(app, routeList);
  const assembly = app.synth();
  const json = assembly.getStackByName(stack.stackName).template as TemplateJson;
  const templates = new Map<Stack, TemplateJson>([[stack, json]]);
  for (const nested of stack.node.findAll().filter((c) => NestedStack.isNestedStack(c))) {
    const file = join(outdir, (nested as NestedStack).templateFile);
    templates.set(nested as NestedStack, JSON.parse(readFileSync(file, 'utf8')) as TemplateJson);
  }
  return { stack, template: Template.fromJSON(json), resources: json.Resources, templates, outdir };
}

const cfnOf = (construct: IConstruct) => (construct.node.defaultChild ?? construct) as CfnElement;

/** The logical id of a construct's resource in the template of its own stack. */
const logicalId = (construct: IConstruct) => Stack.of(construct).getLogicalId(cfnOf(construct));

/** The template a construct's resource is in. */
function templateOf(s: Synth, construct: IConstruct): TemplateJson {
  const template = s.templates.get(Stack.of(construct));
  expect(template, construct.node.path).toBeDefined();
  return template!;
}

const resourceOf = (s: Synth, construct: IConstruct) =>
  templateOf(s, construct).Resources[logicalId(construct)]!;

/** The parameters the root stack passes to a nested stack's template. */
function parametersOf(s: Synth, stack: Stack): Json {
  if (stack === s.stack) return {};
  const nested = (stack as NestedStack).nestedStackResource!;
  return (s.resources[s.stack.getLogicalId(nested)]!.Properties.Parameters ?? {}) as Json;
}

/** A value of `stack`'s template as the root stack writes it: each parameter replaced by what is passed. */
function asInRoot(s: Synth, stack: Stack, value: unknown): unknown {
  const parameters = parametersOf(s, stack);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object') return v;
    const ref = (v as Json).Ref;
    if (Object.keys(v).length === 1 && typeof ref === 'string' && Object.hasOwn(parameters, ref)) {
      return parameters[ref];
    }
    return Object.fromEntries(Object.entries(v).map(([key, inner]) => [key, walk(inner)]));
  };
  return walk(value);
}

/** Each action the role's policies allow, with the resources it is allowed on (as in the root stack). */
function grantsOf(s: Synth, roleConstruct: IConstruct): Map<string, unknown[]> {
  const stack = Stack.of(roleConstruct);
  const { Resources: resources } = templateOf(s, roleConstruct);
  const roleId = logicalId(roleConstruct);
  const role = resources[roleId]!;
  expect(role.Type).toBe('AWS::IAM::Role');
  expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  const documents = ((role.Properties.Policies ?? []) as { PolicyDocument: Json }[]).map(
    (p) => p.PolicyDocument,
  );
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const roles = resource.Properties.Roles as { Ref: string }[];
    if (roles.some((r) => r.Ref === roleId)) documents.push(resource.Properties.PolicyDocument as Json);
  }
  const grants = new Map<string, unknown[]>();
  for (const doc of documents as { Statement: Json[] }[]) {
    for (const statement of doc.Statement) {
      expect(statement.Effect).toBe('Allow');
      const on = asInRoot(s, stack, [statement.Resource].flat()) as unknown[];
      for (const action of [statement.Action].flat() as string[]) {
        grants.set(action, [...(grants.get(action) ?? []), ...on]);
      }
    }
  }
  return grants;
}

/** The stack and logical id of the integration a root route targets, through the area's output. */
function integrationOf(s: Synth, route: Json): { stack: Stack; id: string } {
  const target = (route.Properties as Json).Target as { 'Fn::Join': [string, [string, Json]] };
  expect(target['Fn::Join'][1][0]).toBe('integrations/');
  const [nestedId, output] = (target['Fn::Join'][1][1] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
  const area = [...s.stack.areas.values()].find(
    (a) => s.stack.getLogicalId(a.nestedStackResource!) === nestedId,
  );
  expect(area, nestedId).toBeDefined();
  const value = s.templates.get(area!)!.Outputs![output.replace(/^Outputs\./, '')]!.Value as { Ref: string };
  return { stack: area!, id: value.Ref };
}

const LOG_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];

/** Written from the contract's words, not from the stack's code, so the two can disagree. */
function expectedActions(access: RouteAccess): string[] {
  const actions = [...LOG_ACTIONS];
  if (access.table) actions.push('dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query');
  if (access.table) actions.push('dynamodb:ConditionCheckItem');
  if (access.table === 'read-write') {
    actions.push('dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem');
  }
  if (access.signingKey || access.jwks || access.cursorKey) actions.push('secretsmanager:GetSecretValue');
  if (access.email) actions.push('ses:SendEmail', 'ses:SendRawEmail');
  if (access.startSync) actions.push('lambda:InvokeFunction');
  if (access.secrets) actions.push('kms:Encrypt', 'kms:Decrypt');
  if (access.publishEvents) actions.push('events:PutEvents');
  return actions.sort();
}

function accessOf(contracts: RouteContract[]): RouteAccess {
  return {
    table: contracts.some((c) => c.access.table === 'read-write')
      ? 'read-write'
      : contracts.some((c) => c.access.table === 'read')
        ? 'read'
        : undefined,
    signingKey: contracts.some((c) => c.access.signingKey),
    jwks: contracts.some((c) => c.access.jwks),
    cursorKey: contracts.some((c) => c.access.cursorKey),
    email: contracts.some((c) => c.access.email),
    startSync: contracts.some((c) => c.access.startSync),
    secrets: contracts.some((c) => c.access.secrets),
    publishEvents: contracts.some((c) => c.access.publishEvents),
  };
}

const handlers = new Map<string, RouteContract[]>();
for (const contract of routes)
  handlers.set(contract.handler, [...(handlers.get(contract.handler) ?? []), contract]);

let plain: Synth;
let full: Synth;

beforeAll(() => {
  plain = synth({ customer: 'acme' });
  full = synth({
    customer: 'globex',
    domain: 'example.net',
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    corsOrigins: 'https://portal.example.net',
    peeringdbApiKey: 'true',
    authorizerCacheSeconds: '0',
    throttleRate: '20',
    loginThrottleRate: '2',
    loginThrottleBurst: '4',
    alarmEmail: 'noc@example.net',
    adminEmail: 'admin@example.net',
    deliverySubnetIds: 'subnet-0123456789abcdef0,subnet-0fedcba9876543210',
    deliverySecurityGroupIds: 'sg-0123456789abcdef0',
  });
}, 240_000);

describe('the API', () => {
  it('has every route of the route table, behind the authorizer unless public', () => {
    const authorizers = plain.template.findResources('AWS::ApiGatewayV2::Authorizer');
    expect(Object.keys(authorizers)).toHaveLength(1);
    const authorizerId = Object.keys(authorizers)[0];
    const apiRoutes = Object.values(plain.template.findResources('AWS::ApiGatewayV2::Route'));
    expect(apiRoutes).toHaveLength(routes.length);
    for (const contract of routes) {
      const key = `${contract.method} ${contract.path}`;
      const found = apiRoutes.filter((r) => r.Properties.RouteKey === key);
      expect(found, key).toHaveLength(1);
      if (contract.role === 'public') {
        expect(found[0]!.Properties.AuthorizationType, key).toBe('NONE');
        expect(found[0]!.Properties.AuthorizerId, key).toBeUndefined();
      } else {
        expect(found[0]!.Properties.AuthorizationType, key).toBe('CUSTOM');
        expect(found[0]!.Properties.AuthorizerId, key).toEqual({ Ref: authorizerId });
      }
    }
  });

  it('serves each handler file from one function, shared by the routes that name it', () => {
    expect(plain.stack.actions.size).toBe(handlers.size);
    plain.template.resourceCountIs('AWS::ApiGatewayV2::Integration', 0);
    const apiRoutes = Object.values(plain.template.findResources('AWS::ApiGatewayV2::Route'));
    for (const [entry, contracts] of handlers) {
      const fn = plain.stack.actions.get(entry)!.function;
      const targets = new Set<string>();
      for (const contract of contracts) {
        const route = apiRoutes.find((r) => r.Properties.RouteKey === `${contract.method} ${contract.path}`)!;
        const { stack, id } = integrationOf(plain, route);
        expect(stack, entry).toBe(Stack.of(fn));
        const integration = plain.templates.get(stack)!.Resources[id]!;
        expect(integration.Type).toBe('AWS::ApiGatewayV2::Integration');
        expect(integration.Properties.IntegrationUri, entry).toEqual({
          'Fn::GetAtt': [logicalId(fn), 'Arn'],
        });
        expect(integration.Properties.IntegrationType).toBe('AWS_PROXY');
        expect(integration.Properties.PayloadFormatVersion).toBe('2.0');
        expect(asInRoot(plain, stack, integration.Properties.ApiId)).toEqual({
          Ref: logicalId(plain.stack.http.api),
        });
        targets.add(`${stack.node.path}/${id}`);
      }
      expect(targets.size, entry).toBe(1);
    }
  });

  it('lets API Gateway invoke each function on the paths of its own routes only', () => {
    const apiId = { Ref: logicalId(plain.stack.http.api) };
    for (const [entry, contracts] of handlers) {
      const fn = plain.stack.actions.get(entry)!.function;
      const permissions = Object.values(templateOf(plain, fn).Resources).filter(
        (r) =>
          r.Type === 'AWS::Lambda::Permission' &&
          JSON.stringify(r.Properties.FunctionName) ===
            JSON.stringify({ 'Fn::GetAtt': [logicalId(fn), 'Arn'] }),
      );
      expect(permissions, entry).toHaveLength(contracts.length);
      const paths = permissions.map((p) => {
        expect(p.Properties).toMatchObject({
          Action: 'lambda:InvokeFunction',
          Principal: 'apigateway.amazonaws.com',
        });
        const arn = asInRoot(plain, Stack.of(fn), p.Properties.SourceArn) as {
          'Fn::Join': [string, unknown[]];
        };
        const parts = arn['Fn::Join'][1];
        expect(parts).toContainEqual(apiId);
        return parts.at(-1);
      });
      expect(paths.sort(), entry).toEqual(contracts.map((c) => `/*/*${c.path}`).sort());
    }
  });

  it('uses a cached REQUEST authorizer with simple responses on the Authorization header', () => {
    plain.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 55,
      AuthorizerUri: Match.anyValue(),
    });
    full.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerResultTtlInSeconds: 0 });
  });

  it('logs every request as JSON and throttles the default stage', () => {
    const stages = Object.values(plain.template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stages).toHaveLength(1);
    const stage = stages[0]!.Properties;
    expect(stage.StageName).toBe('$default');
    expect(stage.AutoDeploy).toBe(true);
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    const format = JSON.parse(stage.AccessLogSettings.Format);
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      ip: '$context.identity.sourceIp',
      routeKey: '$context.routeKey',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    full.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 100 },
    });
  });

  it('throttles the login route apart, unless told not to, once the route exists', () => {
    const [id, stage] = Object.entries(plain.template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    expect(stage.Properties.RouteSettings).toEqual({
      'POST /users/post_login': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
    });
    const loginRouteId = Object.entries(plain.template.findResources('AWS::ApiGatewayV2::Route')).find(
      ([, r]) => r.Properties.RouteKey === 'POST /users/post_login',
    )![0];
    expect((plain.resources[id] as { DependsOn?: string[] }).DependsOn).toContain(loginRouteId);

    full.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: { 'POST /users/post_login': { ThrottlingRateLimit: 2, ThrottlingBurstLimit: 4 } },
    });
    const off = synth({ customer: 'acme', loginThrottle: 'false' });
    const offStage = Object.values(off.template.findResources('AWS::ApiGatewayV2::Stage'))[0]!;
    expect(offStage.Properties.RouteSettings).toBeUndefined();
    expectNagClean(off);
    expect(() => synth({ customer: 'acme', loginThrottle: 'maybe' })).toThrow(ContextError);
  }, 240_000);

  it('has no CORS unless origins are given', () => {
    const api = Object.values(plain.template.findResources('AWS::ApiGatewayV2::Api'))[0];
    expect(api!.Properties.CorsConfiguration).toBeUndefined();
    full.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['https://portal.example.net'] }),
    });
  });

  it('is published on api-<customer>.<zone> with a DNS-validated certificate and alias records', () => {
    plain.template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    plain.template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    full.template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'api-globex.example.net',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [
        { DomainName: 'api-globex.example.net', HostedZoneId: 'Z0123456789ABCDEFGHIJ' },
      ],
    });
    full.template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'api-globex.example.net',
    });
    full.template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    for (const type of ['A', 'AAAA']) {
      full.template.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'api-globex.example.net.',
        Type: type,
        HostedZoneId: 'Z0123456789ABCDEFGHIJ',
        AliasTarget: Match.objectLike({ DNSName: Match.anyValue() }),
      });
    }
  });
});

describe('the functions', () => {
  it('each hold exactly the permissions their routes declare, and no more', () => {
    for (const [entry, contracts] of handlers) {
      const action = plain.stack.actions.get(entry)!;
      const grants = grantsOf(plain, action.role);
      expect([...grants.keys()].sort(), entry).toEqual(expectedActions(accessOf(contracts)));
    }
  });

  it('reach only their own resources: the table and its indexes, the right secret, key and function', () => {
    const tableId = logicalId(plain.stack.table.table);
    const tableArn = { 'Fn::GetAtt': [tableId, 'Arn'] };
    const privateKey = { Ref: logicalId(plain.stack.signingKey.privateKeySecret) };
    const jwks = { Ref: logicalId(plain.stack.signingKey.jwksSecret) };
    const cursorKey = { Ref: logicalId(plain.stack.cursorKey.secret) };
    for (const [entry, contracts] of handlers) {
      const access = accessOf(contracts);
      const grants = grantsOf(plain, plain.stack.actions.get(entry)!.role);
      if (access.table) {
        const readOn = grants.get('dynamodb:Query')!;
        expect(readOn).toContainEqual(tableArn);
        expect(readOn).toHaveLength(4);
        expect(JSON.stringify(readOn)).not.toContain('*');
      }
      if (access.table === 'read-write') expect(grants.get('dynamodb:PutItem'), entry).toEqual([tableArn]);
      const secretsRead = grants.get('secretsmanager:GetSecretValue') ?? [];
      expect(secretsRead, entry).toEqual([
        ...(access.signingKey ? [privateKey] : []),
        ...(access.jwks ? [jwks] : []),
        ...(access.cursorKey ? [cursorKey] : []),
      ]);
      if (access.startSync) {
        const syncFn = logicalId(plain.stack.syncJob.job.function);
        expect(grants.get('lambda:InvokeFunction')).toEqual([{ 'Fn::GetAtt': [syncFn, 'Arn'] }]);
      }
      if (access.secrets) {
        const keyArn = { 'Fn::GetAtt': [logicalId(plain.stack.sessionPasswordKey), 'Arn'] };
        expect(grants.get('kms:Decrypt')).toEqual([keyArn]);
      }
    }
  });

  it('let only login read the private signing key', () => {
    const readers = [...handlers.keys()].filter((entry) => {
      const grants = grantsOf(plain, plain.stack.actions.get(entry)!.role);
      return JSON.stringify(grants.get('secretsmanager:GetSecretValue') ?? []).includes(
        logicalId(plain.stack.signingKey.privateKeySecret),
      );
    });
    expect(readers).toEqual(['functions/http/users/post-login.ts']);
    const authorizerGrants = grantsOf(plain, plain.stack.authorizer.role);
    expect(authorizerGrants.get('secretsmanager:GetSecretValue')).toEqual([
      { Ref: logicalId(plain.stack.signingKey.jwksSecret) },
    ]);
    expect([...authorizerGrants.keys()].sort()).toEqual(expectedActions({ table: 'read', jwks: true }));
  });

  it('let the lists (and the v1 gateway, which walks them) read the cursor key, generated in the account', () => {
    const lists = new Set(
      routes.filter((r) => r.query !== undefined && 'cursor' in r.query.shape).map((r) => r.handler),
    );
    expect(lists.size).toBeGreaterThan(5);
    const readers = [...handlers.keys()].filter((entry) => {
      const grants = grantsOf(plain, plain.stack.actions.get(entry)!.role);
      return JSON.stringify(grants.get('secretsmanager:GetSecretValue') ?? []).includes(
        logicalId(plain.stack.cursorKey.secret),
      );
    });
    expect(readers.sort()).toEqual([...lists, 'functions/v1/gateway.ts'].sort());
    const secret = resourceOf(plain, plain.stack.cursorKey.secret);
    expect(secret.Properties.SecretString).toBeUndefined();
    expect(secret.Properties.GenerateSecretString).toMatchObject({
      GenerateStringKey: 'key',
      PasswordLength: 64,
    });
  });

  it('let only email routes send mail, and only through the identity and configuration set', () => {
    const senders = [...handlers].filter(([, contracts]) => contracts.some((c) => c.access.email));
    expect(senders.length).toBeGreaterThan(0);
    for (const s of [plain, full]) {
      for (const [entry, contracts] of handlers) {
        const grants = grantsOf(s, s.stack.actions.get(entry)!.role);
        expect(grants.has('ses:SendEmail'), entry).toBe(contracts.some((c) => c.access.email));
      }
      const [entry] = senders[0]!;
      const sendOn = JSON.stringify(grantsOf(s, s.stack.actions.get(entry)!.role).get('ses:SendEmail'));
      expect(sendOn).toContain(`configuration-set/`);
      expect(sendOn).not.toContain('*');
    }
    const [entry] = senders[0]!;
    const withIdentity = grantsOf(full, full.stack.actions.get(entry)!.role).get('ses:SendEmail')!;
    const { mailer } = full.stack;
    expect(withIdentity).toEqual([
      full.stack.resolve(mailer.configurationSetArn),
      full.stack.resolve(mailer.identity!.emailIdentityArn),
    ]);
    expect(JSON.stringify(withIdentity)).toContain(logicalId(mailer.identity!));
  });

  it('get each variable only with its grant, and the shared ones everywhere', () => {
    for (const [entry, contracts] of handlers) {
      const access = accessOf(contracts);
      const fn = resourceOf(plain, plain.stack.actions.get(entry)!.function);
      expect(fn.Type).toBe('AWS::Lambda::Function');
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
      const env = (fn.Properties.Environment as { Variables: Json }).Variables;
      expect(env).toMatchObject({
        JWT_ISSUER: 'peerflow-acme',
        JWT_AUDIENCE: 'peerflow-api',
        LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      });
      const present = (name: string) => Object.hasOwn(env, name);
      expect(present('TABLE_NAME'), entry).toBe(access.table !== undefined);
      expect(present('SIGNING_KEY_SECRET_ARN'), entry).toBe(Boolean(access.signingKey));
      expect(present('JWKS_SECRET_ARN'), entry).toBe(Boolean(access.jwks));
      expect(present('CURSOR_KEY_SECRET_ARN'), entry).toBe(Boolean(access.cursorKey));
      expect(present('SES_CONFIGURATION_SET'), entry).toBe(Boolean(access.email));
      expect(present('SYNC_FUNCTION_NAME'), entry).toBe(Boolean(access.startSync));
      expect(present('SESSION_PASSWORD_KEY_ID'), entry).toBe(Boolean(access.secrets));
      expect(present('EVENT_BUS_NAME'), entry).toBe(Boolean(access.publishEvents));
      // Loopback webhooks are for the local runtime and tests only.
      expect(present('WEBHOOK_ALLOW_LOOPBACK'), entry).toBe(false);
    }
  });

  it('write to their own log group with a retention', () => {
    const action = plain.stack.actions.get('functions/http/users/get-me.ts')!;
    const fn = resourceOf(plain, action.function);
    expect(Stack.of(action.logGroup)).toBe(Stack.of(action.function));
    expect(fn.Properties.LoggingConfig).toEqual({ LogGroup: { Ref: logicalId(action.logGroup) } });
    expect(resourceOf(plain, action.logGroup).Properties.RetentionInDays).toBe(30);
    expect(grantsOf(plain, action.role).get('logs:PutLogEvents')).toEqual([
      { 'Fn::GetAtt': [logicalId(action.logGroup), 'Arn'] },
    ]);
  });
});

describe('the data and keys', () => {
  it('keep one table with the shared keys, on demand, recoverable and protected from deletion', () => {
    const tables = plain.template.findResources('AWS::DynamoDB::Table');
    expect(Object.values(tables)).toHaveLength(1);
    const table = Object.values(tables)[0]!;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
    const indexes = table.Properties.GlobalSecondaryIndexes as Json[];
    expect(indexes.map((i) => i.IndexName)).toEqual(['gsi1', 'gsi2', 'gsi3']);
    expect(indexes[2]).toMatchObject({
      KeySchema: [
        { AttributeName: 'gsi3pk', KeyType: 'HASH' },
        { AttributeName: 'gsi3sk', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    });
  });

  it('generate the signing key into two secrets through a custom resource that may only write them', () => {
    const privateKey = { Ref: logicalId(plain.stack.signingKey.privateKeySecret) };
    const jwks = { Ref: logicalId(plain.stack.signingKey.jwksSecret) };
    plain.template.hasResourceProperties('Custom::SigningKey', {
      ServiceToken: Match.anyValue(),
      PrivateKeySecretArn: privateKey,
      JwksSecretArn: jwks,
    });
    const generator = plain.stack.node.findChild('SigningKey').node.findChild('Generator') as ActionFunction;
    const grants = grantsOf(plain, generator.role);
    expect([...grants.keys()].sort()).toEqual([...LOG_ACTIONS, 'secretsmanager:PutSecretValue'].sort());
    expect(grants.get('secretsmanager:PutSecretValue')).toEqual(expect.arrayContaining([privateKey, jwks]));
    expect(grants.get('secretsmanager:PutSecretValue')).toHaveLength(2);
  });

  it('create the first admin, when asked, from a generated password only its creator may read', () => {
    plain.template.resourceCountIs('Custom::BootstrapAdmin', 0);
    const admin = full.stack.admin!;
    const secret = { Ref: logicalId(admin.password) };
    full.template.hasResourceProperties('Custom::BootstrapAdmin', {
      Email: 'admin@example.net',
      PasswordSecretArn: secret,
    });
    full.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true },
    });
    const grants = grantsOf(full, admin.creator.role);
    expect([...grants.keys()].sort()).toEqual(
      [...expectedActions({ table: 'read-write' }), 'secretsmanager:GetSecretValue'].sort(),
    );
    expect(grants.get('secretsmanager:GetSecretValue')).toEqual([secret]);
    expect(full.template.findOutputs('AdminPasswordSecret').AdminPasswordSecret!.Value).toEqual(secret);
  });

  it('run the stored-data migrations during the deploy, with the table and nothing else', () => {
    const migrations = plain.stack.migrations;
    plain.template.hasResourceProperties('Custom::DataMigrations', {
      Migrations: MIGRATIONS.map((m) => m.name).join(','),
    });
    const grants = grantsOf(plain, migrations.runner.role);
    expect([...grants.keys()].sort()).toEqual(expectedActions({ table: 'read-write' }).sort());
  });

  it('keep session passwords under a rotating KMS key', () => {
    plain.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('verify the sending domain in SES with DKIM in the zone, or no identity when none is given', () => {
    plain.template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    plain.template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
    full.template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.net',
      ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
    });
    const dkim = full.template.findResources('AWS::Route53::RecordSet', { Properties: { Type: 'CNAME' } });
    expect(Object.keys(dkim)).toHaveLength(3);
  });

  it('verify a sending domain outside the zone with DKIM records to publish by hand', () => {
    const domainOnly = synth({ customer: 'initech', emailDomain: 'initech.example' });
    domainOnly.template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'initech.example',
    });
    domainOnly.template.resourceCountIs('AWS::Route53::RecordSet', 0);
    const outputs = domainOnly.template.findOutputs('*');
    expect(Object.keys(outputs).filter((name) => name.startsWith('DkimRecord'))).toHaveLength(3);
  }, 120_000);
});

describe('the IRR refresh job', () => {
  it('runs daily with the table read-write, the IRR server in its environment, and an alarm', () => {
    const job = plain.stack.irrJob;
    const fnId = logicalId(job.job.function);
    const rules = Object.values(plain.template.findResources('AWS::Events::Rule'))
      .map((r) => r.Properties)
      .filter((r) => JSON.stringify(r.Targets[0].Arn) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }));
    expect(rules.map((r) => r.ScheduleExpression)).toEqual(['cron(15 5 * * ? *)']);
    expect(plain.resources[fnId]!.Properties).toMatchObject({
      Timeout: 900,
      Environment: { Variables: { IRR_HOST: 'whois.radb.net', IRR_PORT: '43' } },
    });
    expect([...grantsOf(plain, job.job.role).keys()].sort()).toEqual(
      expectedActions({ table: 'read-write' }).sort(),
    );
    plain.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
    });
  });
});

describe('the PeeringDB sync job', () => {
  it('runs hourly incremental and daily full', () => {
    const fnId = logicalId(plain.stack.syncJob.job.function);
    const rules = Object.values(plain.template.findResources('AWS::Events::Rule'))
      .map((r) => r.Properties)
      .filter((r) => JSON.stringify(r.Targets[0].Arn) === JSON.stringify({ 'Fn::GetAtt': [fnId, 'Arn'] }));
    expect(rules.map((r) => [r.ScheduleExpression, JSON.parse(r.Targets[0].Input)]).sort()).toEqual([
      ['cron(30 3 * * ? *)', { mode: 'full' }],
      ['rate(1 hour)', { mode: 'incremental' }],
    ]);
    for (const rule of rules) expect(rule.Targets[0].Arn).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
  });

  it('has 15 minutes, 1536 MB, the table read-write and a dead-letter queue with alarms', () => {
    const job = plain.stack.syncJob;
    const fnId = logicalId(job.job.function);
    const queueId = logicalId(job.deadLetterQueue);
    expect(plain.resources[fnId]!.Properties).toMatchObject({ Timeout: 900, MemorySize: 1536 });
    expect(
      Object.hasOwn(plain.resources[fnId]!.Properties.Environment as Json, 'PEERINGDB_API_KEY_SECRET_ARN'),
    ).toBe(false);
    const grants = grantsOf(plain, job.job.role);
    // The queue grants are the ones Lambda needs to deliver a failed run to its destination.
    const queueActions = ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];
    expect([...grants.keys()].sort()).toEqual(
      [...expectedActions({ table: 'read-write' }), ...queueActions].sort(),
    );
    for (const action of queueActions)
      expect(grants.get(action)).toEqual([{ 'Fn::GetAtt': [queueId, 'Arn'] }]);
    plain.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId },
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    plain.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    plain.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    plain.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
    });
    plain.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
    });
  });

  it('mails its alarms through an encrypted topic when an address is given', () => {
    plain.template.resourceCountIs('AWS::SNS::Topic', 0);
    const topics = full.template.findResources('AWS::SNS::Topic');
    expect(Object.keys(topics)).toHaveLength(1);
    const [topicId] = Object.keys(topics) as [string];
    expect(topics[topicId]!.Properties.KmsMasterKeyId).toBeDefined();
    full.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'noc@example.net',
      TopicArn: { Ref: topicId },
    });
    const alarms = Object.values(full.template.findResources('AWS::CloudWatch::Alarm'));
    // The sync's two, the events' dead-letter queue and the IRR refresh's errors.
    expect(alarms).toHaveLength(4);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    full.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it('reads the PeeringDB API key secret only when one is asked for', () => {
    const job = full.stack.syncJob;
    const secretRef = { Ref: logicalId(job.apiKeySecret!) };
    expect(full.resources[logicalId(job.job.function)]!.Properties.Environment).toMatchObject({
      Variables: { PEERINGDB_API_KEY_SECRET_ARN: secretRef },
    });
    expect(grantsOf(full, job.job.role).get('secretsmanager:GetSecretValue')).toEqual([secretRef]);
    expect(plain.stack.syncJob.apiKeySecret).toBeUndefined();
  });
});

/** The AWS Solutions checks of a synthesis, over every stack of the app (nested ones too). */
function expectNagClean(s: Synth): void {
  const report = JSON.parse(readFileSync(join(s.outdir, 'validation-report.json'), 'utf8'));
  const nag = report.pluginReports.find((p: Json) => p.pluginName === 'AwsSolutions');
  expect(nag.conclusion).toBe('success');
  expect(nag.violations).toEqual([]);
  for (const acknowledged of nag.suppressedViolations as Json[]) {
    expect(String(acknowledged.reason).length, String(acknowledged.ruleName)).toBeGreaterThan(30);
  }
}

/** CloudFormation refuses more than 500 resources in one template; no template may pass this line. */
const RESOURCE_LIMIT = 400;
/** A template's parameters and outputs: CloudFormation refuses more than 200 of each. */
const PARAMETER_LIMIT = 200;

/** Prints each template's resources and headroom below the limit; answers the largest count. */
function expectEveryTemplateWithinLimits(label: string, s: Synth): number {
  const counts = [...s.templates].map(([stack, t]) => ({
    name: stack === s.stack ? stack.stackName : stack.node.path,
    resources: Object.keys(t.Resources).length,
    parameters: Object.keys(t.Parameters ?? {}).length,
    outputs: Object.keys(t.Outputs ?? {}).length,
  }));
  console.log(
    [
      `${label}: resources per template (headroom below ${RESOURCE_LIMIT})`,
      ...counts.map((c) => `  ${c.name}: ${c.resources} (${RESOURCE_LIMIT - c.resources})`),
    ].join('\n'),
  );
  for (const c of counts) {
    expect(c.resources, c.name).toBeLessThanOrEqual(RESOURCE_LIMIT);
    expect(c.parameters, c.name).toBeLessThanOrEqual(PARAMETER_LIMIT);
    expect(c.outputs, c.name).toBeLessThanOrEqual(PARAMETER_LIMIT);
  }
  return Math.max(...counts.map((c) => c.resources));
}

const count = (s: Synth, type: string) =>
  [...s.templates.values()].reduce(
    (n, t) => n + Object.values(t.Resources).filter((r) => r.Type === type).length,
    0,
  );

/*
 * Routes still to come, each with a handler file of its own as a new route has: clones of the
 * route table's routes (new operationId and path, every area in turn), whose handler files re-export
 * the cloned handler. Handler entries are paths in the project, so the files are written to the
 * project's module cache, where nothing else looks.
 */
const SYNTHETIC_HANDLERS = 'node_modules/.cache/peerflow-infra-synthetic-routes';

function syntheticRoutes(howMany: number): RouteContract[] {
  const byArea = new Map<string, RouteContract[]>();
  for (const contract of routes) byArea.set(contract.tag, [...(byArea.get(contract.tag) ?? []), contract]);
  const areas = [...byArea.values()];
  rmSync(SYNTHETIC_HANDLERS, { recursive: true, force: true });
  return Array.from({ length: howMany }, (_, i) => {
    const area = areas[i % areas.length]!;
    const original = area[Math.floor(i / areas.length) % area.length]!;
    const n = i + 1;
    const handler = `${SYNTHETIC_HANDLERS}/${original.tag}/extra-${n}.ts`;
    mkdirSync(dirname(handler), { recursive: true });
    const from = relative(dirname(handler), original.handler);
    writeFileSync(handler, `export { handler } from '${from}';\n`);
    return {
      ...original,
      operationId: `${original.operationId}Extra${n}`,
      path: `/extra-${n}${original.path === '/' ? '' : original.path}`,
      handler,
    };
  });
}

describe('the stack', () => {
  it('keeps every route in the root stack, under the logical id it had before the areas', () => {
    // A route with a new logical id, or in another stack, is created before the old one is
    // deleted, and API Gateway refuses a second route with the same key: the update would fail.
    for (const area of plain.stack.areas.values()) {
      const inArea = Object.values(plain.templates.get(area)!.Resources).map((r) => r.Type);
      expect(inArea, area.node.path).not.toContain('AWS::ApiGatewayV2::Route');
    }
    const routeIds = Object.keys(plain.template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routeIds).toHaveLength(routes.length);
    expect(routeIds).toEqual(
      expect.arrayContaining([
        'HttpLoginRouteD8D83066',
        'HttpGetMeRoute7FBA33F8',
        'HttpGetSessionsRouteD7C6A356',
      ]),
    );
    // The API, its stage and the authorizer keep theirs too: a new API would be a new URL.
    for (const id of ['HttpApi4E1D4184', 'HttpDefaultStageE6653C08', 'HttpApiBearerTokenBC1BDE76']) {
      expect(plain.resources[id], id).toBeDefined();
    }
  });

  it('puts the functions of each area of the API in a nested stack of their own', () => {
    const tags = [...new Set(routes.map((c) => c.tag))].sort();
    expect([...plain.stack.areas.keys()].sort()).toEqual(tags);
    for (const [entry, contracts] of handlers) {
      const action = plain.stack.actions.get(entry)!;
      const area = plain.stack.areas.get(contracts[0]!.tag)!;
      for (const part of [action.function, action.role, action.logGroup]) {
        expect(Stack.of(part), entry).toBe(area);
      }
    }
    // The shared functions stay with what they serve: the authorizer, the sync and IRR jobs, the custom
    // resources, the webhook delivery and retry functions.
    const rootFunctions = Object.values(plain.resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(rootFunctions).toHaveLength(9);
  });

  it(`keeps every template below ${RESOURCE_LIMIT} resources, and the largest below 300`, () => {
    for (const s of [plain, full]) {
      // Every template the synth wrote is counted: the root stack's and each nested stack's.
      const written = readdirSync(s.outdir).filter((name) => name.endsWith('.template.json'));
      expect(written).toHaveLength(s.templates.size);
      expect(s.templates.size).toBe(1 + s.stack.areas.size);
      expect(count(s, 'AWS::ApiGatewayV2::Route')).toBe(routes.length);
      const largest = expectEveryTemplateWithinLimits(s.stack.stackName, s);
      expect(largest).toBeLessThan(300);
    }
  });

  it(`keeps every template below ${RESOURCE_LIMIT} resources with 60 more routes`, () => {
    const extra = syntheticRoutes(60);
    try {
      const grown = synth(
        {
          customer: 'globex',
          domain: 'example.net',
          hostedZoneId: 'Z0123456789ABCDEFGHIJ',
          peeringdbApiKey: 'true',
          alarmEmail: 'noc@example.net',
          adminEmail: 'admin@example.net',
          deliverySubnetIds: 'subnet-0123456789abcdef0',
          deliverySecurityGroupIds: 'sg-0123456789abcdef0',
        },
        [...routes, ...extra],
      );
      // Each extra route is deployed with a function of its own, in its area.
      expect(count(grown, 'AWS::ApiGatewayV2::Route')).toBe(routes.length + 60);
      expect(count(grown, 'AWS::Lambda::Function')).toBe(count(full, 'AWS::Lambda::Function') + 60);
      expect(grown.templates.size).toBe(full.templates.size);
      const largest = expectEveryTemplateWithinLimits(`${grown.stack.stackName} with 60 more routes`, grown);
      expect(largest).toBeLessThan(RESOURCE_LIMIT);
      expectNagClean(grown);
    } finally {
      rmSync(SYNTHETIC_HANDLERS, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('delivery to routers', () => {
  it('is off without the delivery subnets: no state machine, and no route may start one', () => {
    expect(plain.stack.delivery).toBeUndefined();
    for (const [entry, contracts] of handlers) {
      if (!contracts.some((c) => c.access.startDeployment)) continue;
      const grants = grantsOf(plain, plain.stack.actions.get(entry)!.role);
      expect(grants.has('states:StartExecution'), entry).toBe(false);
    }
  });

  it('runs each step in the VPC, from a state machine that waits between steps, logged and traced', () => {
    const delivery = full.stack.delivery!;
    const { Resources: resources } = templateOf(full, delivery.job.function);
    const fn = resources[logicalId(delivery.job.function)]!;
    expect(fn.Properties.VpcConfig).toEqual({
      SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
      SecurityGroupIds: ['sg-0123456789abcdef0'],
    });
    const machine = resources[logicalId(delivery.stateMachine)]!;
    expect(machine.Type).toBe('AWS::StepFunctions::StateMachine');
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect((machine.Properties.LoggingConfiguration as { Level: string }).Level).toBe('ALL');
    const definition = JSON.stringify(machine.Properties.DefinitionString);
    expect(definition).toContain('SecondsPath');
    const grants = grantsOf(full, delivery.job.role);
    expect(grants.has('dynamodb:PutItem')).toBe(true);
    expect(grants.has('kms:Decrypt')).toBe(true);
    expect(grants.has('states:StartExecution')).toBe(false);
    expect(grants.has('secretsmanager:GetSecretValue')).toBe(false);
  });

  it('lets exactly the routes that start deployments start this state machine', () => {
    const machineArn = { Ref: logicalId(full.stack.delivery!.stateMachine) };
    for (const [entry, contracts] of handlers) {
      const grants = grantsOf(full, full.stack.actions.get(entry)!.role);
      const starts = contracts.some((c) => c.access.startDeployment);
      expect(grants.has('states:StartExecution'), entry).toBe(starts);
      if (starts) expect(JSON.stringify(grants.get('states:StartExecution'))).toContain(machineArn.Ref);
    }
  });

  it('polls routers from the VPC every 5 minutes, and lets only the poll route invoke the poller', () => {
    const delivery = full.stack.delivery!;
    const { Resources: resources } = templateOf(full, delivery.poller.function);
    const fn = resources[logicalId(delivery.poller.function)]!;
    expect(fn.Properties.VpcConfig).toEqual({
      SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0fedcba9876543210'],
      SecurityGroupIds: ['sg-0123456789abcdef0'],
    });
    const rules = Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule');
    const schedule = rules.find((r) =>
      JSON.stringify(r.Properties.Targets).includes(logicalId(delivery.poller.function)),
    );
    expect(schedule?.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    for (const [entry, contracts] of handlers) {
      const action = full.stack.actions.get(entry)!;
      const polls = contracts.some((c) => c.access.poll);
      const own = templateOf(full, action.function).Resources[logicalId(action.function)]!;
      const env =
        (own.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      expect('POLL_FUNCTION_NAME' in env, entry).toBe(polls);
      if (polls) expect(grantsOf(full, action.role).has('lambda:InvokeFunction'), entry).toBe(true);
    }
  });

  it('refuses subnets without security groups, and ids that are not ids', () => {
    expect(() =>
      buildPeerflow(
        new App({ context: { customer: 'acme', deliverySubnetIds: 'subnet-0123456789abcdef0' } }),
      ),
    ).toThrow(/go together/);
    expect(() =>
      buildPeerflow(
        new App({
          context: {
            customer: 'acme',
            deliverySubnetIds: 'subnet-x',
            deliverySecurityGroupIds: 'sg-0123456789abcdef0',
          },
        }),
      ),
    ).toThrow(/deliverySubnetIds/);
  });
});

describe('events and webhooks', () => {
  it('have a bus of their own, whose rule hands every peerflow event to the delivery function', () => {
    const { events } = plain.stack;
    const { Resources: resources } = templateOf(plain, events.bus);
    expect(resources[logicalId(events.bus)]!.Type).toBe('AWS::Events::EventBus');
    expect(resources[logicalId(events.bus)]!.Properties.Name).toBeDefined();
    const rule = resources[logicalId(events.rule)]!;
    expect(rule.Properties.EventBusName).toEqual({ Ref: logicalId(events.bus) });
    expect(rule.Properties.EventPattern).toEqual({ source: ['peerflow'] });
    const [target] = rule.Properties.Targets as Json[];
    expect(target!.Arn).toEqual({ 'Fn::GetAtt': [logicalId(events.deliveryJob.function), 'Arn'] });
    expect(target!.DeadLetterConfig).toEqual({
      Arn: { 'Fn::GetAtt': [logicalId(events.deadLetterQueue), 'Arn'] },
    });
    expect((target!.RetryPolicy as Json).MaximumRetryAttempts).toBe(3);
    // Only this rule may invoke the delivery function.
    const permissions = Object.values(resources).filter(
      (r) =>
        r.Type === 'AWS::Lambda::Permission' &&
        JSON.stringify(r.Properties.FunctionName).includes(logicalId(events.deliveryJob.function)),
    );
    expect(permissions.map((p) => p.Properties.SourceArn)).toEqual([
      { 'Fn::GetAtt': [logicalId(events.rule), 'Arn'] },
    ]);
  });

  it('let the delivery function read the table and webhooks, decrypt secrets and start retries, nothing more', () => {
    const { events } = plain.stack;
    const grants = grantsOf(plain, events.deliveryJob.role);
    expect([...grants.keys()].sort()).toEqual(
      [
        ...expectedActions({ table: 'read-write' }),
        'kms:Decrypt',
        'states:StartExecution',
        'sqs:SendMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
      ].sort(),
    );
    const keyArn = { 'Fn::GetAtt': [logicalId(plain.stack.sessionPasswordKey), 'Arn'] };
    expect(grants.get('kms:Decrypt')).toEqual([keyArn]);
    expect(grants.get('states:StartExecution')).toEqual([{ Ref: logicalId(events.retries) }]);
    expect(grants.get('sqs:SendMessage')).toEqual([
      { 'Fn::GetAtt': [logicalId(events.deadLetterQueue), 'Arn'] },
    ]);
    const fn = resourceOf(plain, events.deliveryJob.function);
    expect(fn.Properties.VpcConfig).toBeUndefined();
    const env = (fn.Properties.Environment as { Variables: Json }).Variables;
    expect(env.WEBHOOK_RETRY_STATE_MACHINE_ARN).toEqual({ Ref: logicalId(events.retries) });
    expect(env.WEBHOOK_ALLOW_LOOPBACK).toBeUndefined();
    expect(env.EVENT_BUS_NAME).toBeUndefined();
  });

  it('wait between retries in a state machine that calls only the retry function, which may only decrypt', () => {
    const { events } = plain.stack;
    const machine = resourceOf(plain, events.retries);
    const definition = JSON.stringify(machine.Properties.DefinitionString);
    expect(definition).toContain('SecondsPath');
    expect(definition).toContain(logicalId(events.retryJob.function));
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    const grants = grantsOf(plain, events.retryJob.role);
    expect([...grants.keys()].sort()).toEqual(
      [...expectedActions({ table: 'read-write' }), 'kms:Decrypt'].sort(),
    );
    expect(grants.has('kms:Encrypt')).toBe(false);
  });

  it('are raised by the deployment function, the one function that may put events on the bus', () => {
    const busArn = { 'Fn::GetAtt': [logicalId(full.stack.events.bus), 'Arn'] };
    const job = full.stack.delivery!.job;
    expect(grantsOf(full, job.role).get('events:PutEvents')).toEqual([busArn]);
    const env = (resourceOf(full, job.function).Properties.Environment as { Variables: Json }).Variables;
    expect(env.EVENT_BUS_NAME).toEqual({ Ref: logicalId(full.stack.events.bus) });
    for (const [entry, contracts] of handlers) {
      const grants = grantsOf(full, full.stack.actions.get(entry)!.role);
      expect(grants.has('events:PutEvents'), entry).toBe(contracts.some((c) => c.access.publishEvents));
    }
    for (const fn of [full.stack.events.deliveryJob, full.stack.events.retryJob, full.stack.syncJob.job]) {
      expect(grantsOf(full, fn.role).has('events:PutEvents')).toBe(false);
    }
  });

  it('alarm when events wait in the dead-letter queue, mailed with the others when an address is given', () => {
    const alarm = resourceOf(full, full.stack.events.deadLetterAlarm);
    expect(alarm.Type).toBe('AWS::CloudWatch::Alarm');
    expect((alarm.Properties.AlarmActions as unknown[]).length).toBe(1);
  });
});

describe('the AWS Solutions checks', () => {
  it('find nothing that is not acknowledged with a reason', () => {
    for (const s of [plain, full]) expectNagClean(s);
  });
});

describe('the app', () => {
  it('refuses a customer name that cannot name a stack, and a missing one', () => {
    for (const customer of ['Acme', 'acme_corp', '-acme', 'acme corp', 'a'.repeat(33)]) {
      expect(() => buildPeerflow(new App({ context: { customer } })), customer).toThrow(ContextError);
    }
    expect(() => buildPeerflow(new App())).toThrow(/"customer" is required/);
  });

  it('refuses a domain it could neither use by id nor look up', () => {
    expect(() => buildPeerflow(new App({ context: { customer: 'acme', domain: 'example.net' } }))).toThrow(
      /hostedZoneId/,
    );
  });

  it('says what is wrong and exits 1 when run by the CDK with a bad customer name', () => {
    const run = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'infra/app.ts'], {
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ customer: 'Acme_Corp' }),
        CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'peerflow-cdk-')),
      },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('context "customer" must be 1 to 32 lowercase letters');
  }, 60_000);
});

describe('bundling', () => {
  it('builds an ESM bundle for Node 24 with the require banner, a source map and files beside it', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'peerflow-bundle-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'bundles');
    // The authorizer awaits at top level, so this only bundles as ESM; the copied files are the explorer's.
    new ActionFunction(stack, 'Authorizer', {
      logRetention: RetentionDays.ONE_WEEK,
      environment: {},
      description: 'bundling test',
      entry: 'functions/authorizer/authorize.ts',
      bundleFiles: {
        folder: 'explorer',
        files: [
          'node_modules/swagger-ui-dist/swagger-ui-bundle.js',
          'node_modules/swagger-ui-dist/swagger-ui.css',
        ],
      },
    });
    app.synth();
    const bundles = readdirSync(outdir)
      .filter((name) => name.startsWith('asset.'))
      .map((name) => join(outdir, name));
    expect(bundles).toHaveLength(1);
    const [dir] = bundles as [string];
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    expect(readdirSync(join(dir, 'explorer')).sort()).toEqual(['swagger-ui-bundle.js', 'swagger-ui.css']);
    const css = readFileSync(join(dir, 'explorer', 'swagger-ui.css'), 'utf8');
    expect(css).toBe(readFileSync('node_modules/swagger-ui-dist/swagger-ui.css', 'utf8'));
  }, 120_000);

  it("bundles the v1 gateway with code splitting: an action's own code loads on its first call", () => {
    const entry = 'functions/v1/gateway.ts';
    expect(SPLIT_ENTRIES.has(entry)).toBe(true);
    const outdir = mkdtempSync(join(tmpdir(), 'peerflow-bundle-'));
    const app = new App({ outdir });
    const stack = new Stack(app, 'split');
    new ActionFunction(stack, 'Gateway', {
      logRetention: RetentionDays.ONE_WEEK,
      environment: {},
      description: 'bundling test',
      entry,
      afterBundling: AFTER_BUNDLING[entry],
    });
    app.synth();
    const [dir] = readdirSync(outdir)
      .filter((name) => name.startsWith('asset.'))
      .map((name) => join(outdir, name)) as [string];
    const read = (file: string) => readFileSync(join(dir, file), 'utf8');
    const index = read('index.mjs');
    expect(index.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);

    // What a cold start evaluates: index.mjs and the chunks it imports statically, transitively.
    const staticImports = (code: string) =>
      [
        ...code.matchAll(/(?:^|[;}\s])import(?:[^"'();]*?from)?\s*["']\.\/(?:chunks\/)?([\w.-]+\.mjs)["']/g),
      ].map((m) => `chunks/${m[1]}`);
    const atInit = new Set<string>();
    const visit = (code: string) => {
      for (const file of staticImports(code)) {
        if (atInit.has(file)) continue;
        atInit.add(file);
        visit(read(file));
      }
    };
    visit(index);
    expect(atInit.size).toBeGreaterThan(0);
    // Each v2 handler is a chunk of its own, imported only dynamically.
    const lazy = [...index.matchAll(/import\(["']\.\/chunks\/([\w.-]+\.mjs)["']\)/g)].map(
      (m) => `chunks/${m[1]}`,
    );
    expect(lazy.some((f) => f.startsWith('chunks/add-session-'))).toBe(true);
    expect(lazy.some((f) => f.startsWith('chunks/send-request-'))).toBe(true);
    // The KMS client (session passwords) and the SES client (requests) are not loaded at cold start.
    const chunks = readdirSync(join(dir, 'chunks'))
      .map((f) => `chunks/${f}`)
      .filter((f) => f.endsWith('.mjs'));
    const holding = (marker: string) => chunks.filter((f) => read(f).includes(marker));
    for (const marker of ['TrentService', 'SimpleEmailService']) {
      expect(holding(marker).length).toBeGreaterThan(0);
      expect(holding(marker).filter((f) => atInit.has(f))).toEqual([]);
      expect(index.includes(marker)).toBe(false);
    }
    // And the bundle loads as Node loads it in Lambda.
    const loaded = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(dir, 'index.mjs'))}); process.stdout.write(typeof m.handler);`,
      ],
      { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'SILENT' } },
    );
    expect(loaded.stderr).not.toMatch(/Error/);
    expect(loaded.stdout).toBe('function');
  }, 180_000);
});
