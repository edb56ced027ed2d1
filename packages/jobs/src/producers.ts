import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { indexChainSchedulerKey, reverifySchedulerKey } from './job-keys.js';
import { defaultJobOptions } from './job-options.js';
import { allQueueNames, type QueueName, queueNames } from './queue-names.js';
import { validatePayload } from './validate-payload.js';

export interface CreateProducersParameters {
  /** Shared connection; the producers never block on it. */
  readonly connection: Redis;
  /** BullMQ key prefix (one per deployment, one per test file). */
  readonly prefix: string;
  /** Connection errors of the queues (BullMQ prints them when nobody listens); default: ignored. */
  readonly onError?: (err: Error) => void;
}

export interface JobProducers {
  readonly queues: { readonly [Q in QueueName]: Queue };
  scheduleIndexChain(chain: string, everyMs: number): Promise<void>;
  scheduleReverifyExpiring(horizonSeconds: number, everyMs: number): Promise<void>;
  close(): Promise<void>;
}

export function createProducers({ connection, prefix, onError }: CreateProducersParameters): JobProducers {
  const queues = Object.fromEntries(
    allQueueNames.map((name) => {
      const queue = new Queue(name, { connection, prefix, defaultJobOptions });
      // A reconnecting connection: the calls made meanwhile fail or succeed on their own.
      queue.on('error', onError ?? (() => undefined));
      return [name, queue];
    }),
  ) as { [Q in QueueName]: Queue };

  return {
    queues,
    async scheduleIndexChain(chain, everyMs) {
      const data = validatePayload(queueNames.indexChain, { chain });
      await queues['index-chain'].upsertJobScheduler(
        indexChainSchedulerKey(chain),
        { every: everyMs },
        { name: queueNames.indexChain, data, opts: { attempts: 1 } },
      );
    },
    async scheduleReverifyExpiring(horizonSeconds, everyMs) {
      const data = validatePayload(queueNames.reverifyExpiring, { horizonSeconds });
      await queues['reverify-expiring'].upsertJobScheduler(
        reverifySchedulerKey,
        { every: everyMs },
        { name: queueNames.reverifyExpiring, data, opts: { attempts: 1 } },
      );
    },
    async close() {
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}
