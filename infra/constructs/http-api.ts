import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CfnStage,
  CorsHttpMethod,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpRoute,
  type HttpRouteIntegration,
  HttpRouteKey,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AaaaRecord, ARecord, type IHostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayv2DomainProperties } from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import type { RouteContract } from '../../shared/platform/http/contract';

export interface PeerflowApiProps {
  logRetention: RetentionDays;
  throttleRate: number;
  throttleBurst: number;
  corsOrigins: string[];
  /** `api-<customer>.<zone>` in the given zone, with its certificate and alias records. */
  customDomain?: { name: string; zone: IHostedZone };
}

/**
 * The HTTP API: one default stage with JSON access logs and throttling, optionally published on the
 * customer's own domain. Routes are added one contract at a time from the route table.
 */
export class PeerflowApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly domainName?: DomainName;
  readonly routes = new Map<string, HttpRoute>();

  constructor(scope: Construct, id: string, props: PeerflowApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      description: 'peerflow peering orchestration API',
      createDefaultStage: false,
      ...(props.corsOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: props.corsOrigins,
              allowMethods: [CorsHttpMethod.ANY],
              allowHeaders: ['authorization', 'content-type'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention });
    if (props.customDomain) {
      const { name, zone } = props.customDomain;
      const certificate = new Certificate(this, 'Certificate', {
        domainName: name,
        validation: CertificateValidation.fromDns(zone),
      });
      this.domainName = new DomainName(this, 'DomainName', { domainName: name, certificate });
      const target = RecordTarget.fromAlias(
        new ApiGatewayv2DomainProperties(
          this.domainName.regionalDomainName,
          this.domainName.regionalHostedZoneId,
        ),
      );
      new ARecord(this, 'AliasIpv4', { zone, recordName: name, target });
      new AaaaRecord(this, 'AliasIpv6', { zone, recordName: name, target });
    }

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: { rateLimit: props.throttleRate, burstLimit: props.throttleBurst },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            authorizerError: '$context.authorizer.error',
            userAgent: '$context.identity.userAgent',
            time: '$context.requestTime',
          }),
        ),
      },
      ...(this.domainName ? { domainMapping: { domainName: this.domainName } } : {}),
    });
  }

  /**
   * The route of one contract; routes sharing a function share its integration. The route's id
   * comes from the operationId alone, so its logical id stays put wherever its function lives.
   */
  addRoute(
    contract: RouteContract,
    integration: HttpRouteIntegration,
    authorizer: IHttpRouteAuthorizer | undefined,
  ): HttpRoute {
    const id = contract.operationId.charAt(0).toUpperCase() + contract.operationId.slice(1);
    const route = new HttpRoute(this, `${id}Route`, {
      httpApi: this.api,
      routeKey: HttpRouteKey.with(contract.path, HttpMethod[contract.method]),
      integration,
      ...(authorizer ? { authorizer } : {}),
    });
    if (!authorizer) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `${contract.method} ${contract.path} is public by the API contract (role "public").`,
      });
    }
    this.routes.set(contract.operationId, route);
    return route;
  }

  /**
   * A throttle of its own for one route (all callers together), below the stage's. The stage then
   * waits for the route: API Gateway refuses settings for a route key it does not have yet.
   */
  throttleRoute(contract: RouteContract, limits: { rateLimit: number; burstLimit: number }): void {
    const route = this.routes.get(contract.operationId);
    if (!route) throw new Error(`no route ${contract.operationId} to throttle`);
    const stage = this.stage.node.defaultChild as CfnStage;
    stage.routeSettings = {
      ...(stage.routeSettings as Record<string, unknown> | undefined),
      [`${contract.method} ${contract.path}`]: {
        ThrottlingRateLimit: limits.rateLimit,
        ThrottlingBurstLimit: limits.burstLimit,
      },
    };
    this.stage.node.addDependency(route);
  }

  get url(): string {
    return this.stage.url;
  }
}
