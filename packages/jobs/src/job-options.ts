import type { DefaultJobOptions } from 'bullmq';

/**
 * Defaults for every queue: transient failures (database, Redis hiccups) are retried with
 * exponential backoff; completed jobs are dropped at once so deterministic keys free up; failed jobs
 * are kept (bounded) so operators can inspect, retry or discard them.
 */
export const defaultJobOptions: DefaultJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 250 },
  removeOnComplete: true,
  removeOnFail: { count: 5_000 },
};
