import { afterEach, describe, expect, it, vi } from 'vitest';
import { METRICS_NAMESPACE, recordRouterSessionMetrics } from '../../shared/metrics';

/** The EMF lines written to standard output while `work` runs. */
function captureStdout(work: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    work();
  } finally {
    spy.mockRestore();
  }
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the metrics of a router', () => {
  afterEach(() => vi.restoreAllMocks());

  it('are one EMF line: sessions established and not, per router, in the Peerflow namespace', () => {
    const [line, ...more] = captureStdout(() =>
      recordRouterSessionMetrics(12, { established: 40, notEstablished: 3 }),
    );
    expect(more).toEqual([]);
    expect(line).toMatchObject({ router_id: '12', SessionsEstablished: 40, SessionsNotEstablished: 3 });
    const aws = (line as { _aws: { CloudWatchMetrics: unknown[]; Timestamp: number } })._aws;
    expect(typeof aws.Timestamp).toBe('number');
    expect(aws.CloudWatchMetrics).toEqual([
      {
        Namespace: METRICS_NAMESPACE,
        Dimensions: [expect.arrayContaining(['service', 'router_id'])],
        Metrics: [
          { Name: 'SessionsEstablished', Unit: 'Count' },
          { Name: 'SessionsNotEstablished', Unit: 'Count' },
        ],
      },
    ]);
  });

  it('keep each router apart: two routers are two lines with their own counts', () => {
    const lines = captureStdout(() => {
      recordRouterSessionMetrics('a1', { established: 1, notEstablished: 0 });
      recordRouterSessionMetrics('b2', { established: 0, notEstablished: 5 });
    });
    expect(lines.map((l) => [l.router_id, l.SessionsEstablished, l.SessionsNotEstablished])).toEqual([
      ['a1', 1, 0],
      ['b2', 0, 5],
    ]);
  });
});
