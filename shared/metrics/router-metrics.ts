import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * CloudWatch metrics per router, written as embedded metric format (EMF) lines on standard output:
 * Lambda's log agent turns them into metrics, so recording one costs no API call. Namespace
 * `Peerflow`, dimensions `service` (the deployment, from POWERTOOLS_SERVICE_NAME) and `router_id`.
 */
export const METRICS_NAMESPACE = 'Peerflow';

export interface RouterSessionCounts {
  /** Sessions the router reports Established. */
  established: number;
  /** Every other session of the router peerflow knows (down, idle, unknown...). */
  notEstablished: number;
}

/** Records a router's session counts as the poll that read them saw them. */
export function recordRouterSessionMetrics(routerId: string | number, counts: RouterSessionCounts): void {
  const metrics = new Metrics({
    namespace: METRICS_NAMESPACE,
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'peerflow',
  });
  metrics.addDimension('router_id', String(routerId));
  metrics.addMetric('SessionsEstablished', MetricUnit.Count, counts.established);
  metrics.addMetric('SessionsNotEstablished', MetricUnit.Count, counts.notEstablished);
  metrics.publishStoredMetrics();
}
