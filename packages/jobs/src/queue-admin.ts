import { AppError } from '@xmargin/errors';
import type { Queue } from 'bullmq';
import type { QueueName } from './queue-names.js';

export interface QueueCounts {
  readonly queue: QueueName;
  readonly waiting: number;
  readonly prioritized: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
  readonly completed: number;
  readonly paused: number;
}

export interface FailedJobView {
  readonly queue: QueueName;
  readonly id: string;
  readonly name: string;
  readonly data: unknown;
  readonly failedReason: string;
  readonly attemptsMade: number;
  readonly timestamp: number;
  readonly finishedOn: number | undefined;
}

export interface QueueAdmin {
  counts(): Promise<QueueCounts[]>;
  failed(queue: QueueName, start?: number, end?: number): Promise<FailedJobView[]>;
  retry(queue: QueueName, jobId: string): Promise<void>;
  discard(queue: QueueName, jobId: string): Promise<void>;
}

/** Operator view of the queues: depths, dead letters, retry and discard. */
export function createQueueAdmin(queues: { readonly [Q in QueueName]: Queue }): QueueAdmin {
  async function failedJob(queue: QueueName, jobId: string) {
    const job = await queues[queue].getJob(jobId);
    if (!job || !(await job.isFailed())) {
      throw new AppError('QUEUE__JOB_NOT_FOUND', {
        context: { queue, jobId },
        shortMessage: `No failed job ${jobId} in ${queue}`,
      });
    }
    return job;
  }
  return {
    async counts() {
      return Promise.all(
        (Object.keys(queues) as QueueName[]).map(async (queue) => {
          const c = await queues[queue].getJobCounts(
            'waiting',
            'prioritized',
            'active',
            'delayed',
            'failed',
            'completed',
            'paused',
          );
          return {
            queue,
            waiting: c.waiting ?? 0,
            prioritized: c.prioritized ?? 0,
            active: c.active ?? 0,
            delayed: c.delayed ?? 0,
            failed: c.failed ?? 0,
            completed: c.completed ?? 0,
            paused: c.paused ?? 0,
          };
        }),
      );
    },
    async failed(queue, start = 0, end = 99) {
      const jobs = await queues[queue].getFailed(start, end);
      return jobs.map((j) => ({
        queue,
        id: String(j.id),
        name: j.name,
        data: j.data as unknown,
        failedReason: j.failedReason ?? '',
        attemptsMade: j.attemptsMade,
        timestamp: j.timestamp,
        finishedOn: j.finishedOn,
      }));
    },
    async retry(queue, jobId) {
      const job = await failedJob(queue, jobId);
      await job.retry('failed');
    },
    async discard(queue, jobId) {
      const job = await failedJob(queue, jobId);
      await job.remove();
    },
  };
}
