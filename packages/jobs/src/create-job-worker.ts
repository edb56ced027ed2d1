import { isAppError } from '@xmargin/errors';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PayloadOf, QueueName } from './queue-names.js';
import { validatePayload } from './validate-payload.js';

export type JobHandler<Q extends QueueName> = (payload: PayloadOf<Q>, job: Job) => Promise<unknown>;

export interface CreateJobWorkerParameters<Q extends QueueName> {
  readonly queue: Q;
  /** A dedicated connection: workers block on it (BRPOPLPUSH-style waits). */
  readonly connection: Redis;
  readonly prefix: string;
  readonly handler: JobHandler<Q>;
  readonly concurrency?: number;
  /** How long a job's lock lives without renewal; a killed worker's jobs return after this. */
  readonly lockDurationMs?: number;
  /** How often this worker looks for stalled jobs of dead workers. */
  readonly stalledIntervalMs?: number;
  /** Start fetching immediately (default) or wait for `worker.run()`. */
  readonly autorun?: boolean;
}

/**
 * Wraps a typed handler in a BullMQ Worker. The payload is validated first: an invalid one can never
 * succeed, so it fails with UnrecoverableError (no retry). Other errors are retried per the job's
 * attempts/backoff. Stalled jobs (lock lost because a process died) go back to wait, up to
 * `maxStalledCount` times.
 */
export function createJobWorker<Q extends QueueName>(params: CreateJobWorkerParameters<Q>): Worker {
  const { queue, connection, prefix, handler } = params;
  return new Worker(
    queue,
    async (job: Job) => {
      let payload: PayloadOf<Q>;
      try {
        payload = validatePayload(queue, job.data);
      } catch (err) {
        // Keeps the code, so failure metrics and logs can tell an invalid payload from a failed handler.
        if (isAppError(err, 'QUEUE__INVALID_PAYLOAD'))
          throw Object.assign(new UnrecoverableError(err.message), { code: err.code });
        throw err;
      }
      return handler(payload, job);
    },
    {
      connection,
      prefix,
      concurrency: params.concurrency ?? 1,
      lockDuration: params.lockDurationMs ?? 30_000,
      stalledInterval: params.stalledIntervalMs ?? 30_000,
      maxStalledCount: 3,
      autorun: params.autorun ?? true,
    },
  );
}
