import { collectProcessMetrics } from '@xmargin/ops';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly jobDuration: Histogram<'queue' | 'outcome'>;
  /** Jobs this process ran, by queue and outcome; failures also by error code. */
  readonly jobsCompleted: Counter<'queue'>;
  readonly jobsFailed: Counter<'queue' | 'code'>;
  /** Worker-level errors (connection loss, lock renewal, a failed background step) by source. */
  readonly workerErrors: Counter<'source'>;
  readonly queueDepth: Gauge<'queue' | 'state'>;
  readonly verificationFailures: Counter<'code'>;
  readonly attestationToMargin: Histogram<never>;
}

/**
 * One registry per engine instance (not prom-client's global one) so several engines in one process,
 * as in the tests, never share or double-register series. Process metrics (CPU, memory, heap, event-loop
 * lag, GC) are registered on it too.
 */
export function createMetrics(
  collectQueueDepth?: (gauge: Gauge<'queue' | 'state'>) => Promise<void>,
): Metrics {
  const registry = new Registry();
  collectProcessMetrics(registry);
  const httpDuration = new Histogram({
    name: 'xmargin_http_request_duration_seconds',
    help: 'HTTP request latency by route template',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: 'xmargin_job_duration_seconds',
    help: 'Job processing time by queue and outcome (observed from queue events, any worker process)',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers: [registry],
  });
  const jobsCompleted = new Counter({
    name: 'xmargin_jobs_completed_total',
    help: 'Jobs completed by the workers of this process, by queue',
    labelNames: ['queue'] as const,
    registers: [registry],
  });
  const jobsFailed = new Counter({
    name: 'xmargin_jobs_failed_total',
    help: 'Job attempts that failed in the workers of this process, by queue and error code (retried or not)',
    labelNames: ['queue', 'code'] as const,
    registers: [registry],
  });
  const workerErrors = new Counter({
    name: 'xmargin_worker_errors_total',
    help: 'Worker-level errors (connections, lock renewal, background steps) by source',
    labelNames: ['source'] as const,
    registers: [registry],
  });
  const queueDepth = new Gauge({
    name: 'xmargin_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    async collect() {
      if (collectQueueDepth) await collectQueueDepth(this);
    },
  });
  const verificationFailures = new Counter({
    name: 'xmargin_verification_failures_total',
    help: 'Rejected attestations by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const attestationToMargin = new Histogram({
    name: 'xmargin_attestation_to_margin_seconds',
    help: 'From an accepted attestation to the recomputed snapshot being readable',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    registry,
    httpDuration,
    jobDuration,
    jobsCompleted,
    jobsFailed,
    workerErrors,
    queueDepth,
    verificationFailures,
    attestationToMargin,
  };
}
