import { NestedStack } from 'aws-cdk-lib';
import {
  HttpIntegration,
  HttpIntegrationType,
  HttpRouteIntegration,
  type HttpRouteIntegrationConfig,
  type IHttpApi,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { RouteContract } from '../../shared/platform/http/contract';

/** `sessions` -> `Sessions`, `functions/http/users/post-login.ts` -> `FunctionsHttpUsersPostLogin`. */
export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/**
 * A route whose integration lives in another (nested) stack: the route only points at it. HttpRoute
 * builds the integration of an HttpRouteIntegration in the route's own stack, so binding is replaced
 * by the integration id the area stack exports.
 */
class AreaIntegration extends HttpRouteIntegration {
  constructor(private readonly target: HttpIntegration) {
    super(target.node.id);
  }

  override _bindToRoute(): { readonly integrationId: string } {
    return { integrationId: this.target.integrationId };
  }

  bind(): HttpRouteIntegrationConfig {
    throw new Error(`${this.target.node.path} is bound by its id; it has no configuration to bind`);
  }
}

export interface RouteAreaStackProps {
  /** The contracts' `tag` this stack holds the functions of. */
  area: string;
}

/**
 * The functions of one area of the API (the contracts' `tag`) in a nested stack of their own: each
 * function with its role, log group, Lambda integration and the permissions for its routes to
 * invoke it. The routes themselves stay in the parent stack beside the API: a route moved to
 * another stack would be created there before the old one is deleted, and API Gateway refuses a
 * second route with the same key. An area's resources grow with its own routes only, and a route
 * added to one area changes no other area's template.
 */
export class RouteAreaStack extends NestedStack {
  readonly area: string;

  constructor(scope: Construct, id: string, props: RouteAreaStackProps) {
    super(scope, id, { description: `peerflow functions of the ${props.area} routes` });
    this.area = props.area;
  }

  /**
   * The Lambda integration of `fn` on `api`, which every route in `contracts` may invoke: one
   * permission per route path, as HttpLambdaIntegration grants them. What is returned is handed to
   * the routes in the parent stack.
   */
  integrate(
    id: string,
    fn: IFunction,
    api: IHttpApi,
    contracts: readonly RouteContract[],
  ): HttpRouteIntegration {
    const integration = new HttpIntegration(this, `${id}Integration`, {
      httpApi: api,
      integrationType: HttpIntegrationType.AWS_PROXY,
      integrationUri: fn.functionArn,
      payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
    });
    for (const contract of contracts) {
      fn.addPermission(`${pascalCase(contract.operationId)}Invoke`, {
        principal: new ServicePrincipal('apigateway.amazonaws.com'),
        sourceArn: this.formatArn({
          service: 'execute-api',
          resource: api.apiId,
          resourceName: `*/*${contract.path}`,
        }),
      });
    }
    return new AreaIntegration(integration);
  }
}
