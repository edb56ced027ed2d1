import { createRedisConnection } from '@xmargin/jobs';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EngineContext } from '../context.js';
import { runStressJob } from './run-stress-job.js';

/** BullMQ queue of stress runs; a job's id and payload are the run id (the run row holds the request). */
export const STRESS_QUEUE = 'stress-runs';

export interface StressQueue {
  enqueue(runId: string): Promise<void>;
  close(): Promise<void>;
}

export function createStressQueue(redis: Redis, prefix: string): StressQueue {
  const queue = new Queue(STRESS_QUEUE, { connection: redis, prefix });
  return {
    async enqueue(runId) {
      await queue.add(
        'run',
        { runId },
        { jobId: runId, removeOnComplete: 1000, removeOnFail: 1000, attempts: 1 },
      );
    },
    close: () => queue.close(),
  };
}

/** The worker of stress runs (one at a time per process: a run holds the whole book in memory). */
export function startStressWorker(
  ctx: EngineContext,
  redisUrl: string,
): { worker: Worker; connection: Redis } {
  const connection = createRedisConnection(redisUrl, { name: 'xmargin-worker-stress' });
  const worker = new Worker<{ runId: string }>(
    STRESS_QUEUE,
    async (job) => runStressJob(ctx.store, job.data.runId, ctx.now()),
    { connection, prefix: ctx.settings.queuePrefix, concurrency: 1 },
  );
  worker.on('error', () => undefined);
  return { worker, connection };
}
