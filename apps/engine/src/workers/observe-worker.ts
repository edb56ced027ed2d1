import { errorCodeOf, type Logger, type ThrottledLog } from '@xmargin/ops';
import type { Job, Worker } from 'bullmq';
import type { Metrics } from '../http/metrics.js';

export interface ObserveWorkerParameters {
  readonly logger: Logger;
  readonly metrics: Pick<Metrics, 'jobsCompleted' | 'jobsFailed' | 'workerErrors'>;
  /** Worker-level errors repeat on every reconnect attempt during an outage: logged throttled. */
  readonly warnThrottled: ThrottledLog;
}

/**
 * Makes one BullMQ worker observable: every completed job and every failed attempt is counted by queue
 * (failures also by error code: the AppError code, `QUEUE__INVALID_PAYLOAD` for a payload that never
 * validates, a driver code, or `UNKNOWN`), every failed attempt is logged (`warn` while it will be
 * retried, `error` once it is final), and worker-level errors (Redis connection, lock renewal) are
 * counted and logged (throttled per queue). Call it right after creating the worker, before anything awaits: an `error` event without
 * a listener would throw.
 */
export function observeWorker(worker: Worker, p: ObserveWorkerParameters): void {
  const queue = worker.name;
  worker.on('completed', () => p.metrics.jobsCompleted.inc({ queue }));
  worker.on('failed', (job: Job | undefined, err: Error) => {
    const code = errorCodeOf(err);
    p.metrics.jobsFailed.inc({ queue, code });
    const attempts = job?.opts.attempts ?? 1;
    const final = job === undefined || err.name === 'UnrecoverableError' || job.attemptsMade >= attempts;
    const fields = {
      queue,
      jobId: job?.id,
      jobName: job?.name,
      attempt: job?.attemptsMade,
      attempts,
      final,
      code,
      err,
    };
    if (final) p.logger.error(fields, 'job failed');
    else p.logger.warn(fields, 'job failed, will retry');
  });
  worker.on('stalled', (jobId: string) =>
    p.logger.warn({ queue, jobId }, 'job stalled (its worker died); requeued'),
  );
  worker.on('error', (err: Error) => {
    p.metrics.workerErrors.inc({ source: queue });
    p.warnThrottled(`worker ${queue}`, { queue, code: errorCodeOf(err), err }, 'worker error');
  });
}
