import type { RecomputeReason } from '@xmargin/schemas/jobs';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type AccountIndex, createAccountIndex } from './account-index.js';
import {
  indexChainSchedulerKey,
  marketMoveJobKey,
  recomputeJobKey,
  reverifySchedulerKey,
} from './job-keys.js';
import { defaultJobOptions } from './job-options.js';
import { UNKNOWN_PRIORITY } from './priority.js';
import { allQueueNames, type QueueName, queueNames } from './queue-names.js';
import { validatePayload } from './validate-payload.js';

export interface CreateProducersParameters {
  /** Shared connection; the producers never block on it. */
  readonly connection: Redis;
  /** BullMQ key prefix (one per deployment, one per test file). */
  readonly prefix: string;
}

export interface EnqueueResult {
  /** Id of the job that will run this request (an already waiting one when coalesced). */
  readonly jobId: string;
}

export interface JobProducers {
  readonly queues: { readonly [Q in QueueName]: Queue };
  readonly accountIndex: AccountIndex;
  /**
   * Enqueues a recompute of one account. Requests for the same account coalesce: while one is
   * waiting, further requests join it; while one is running, exactly one more run is kept for after it,
   * so a change that lands mid-run is never lost and a burst costs at most two runs.
   */
  enqueueRecompute(
    accountId: string,
    options: { reason: RecomputeReason; requestedAt?: number; priority?: number },
  ): Promise<EnqueueResult>;
  enqueueMarketMove(underlying: string, requestedAt?: number): Promise<EnqueueResult>;
  /** Fans a market move out: one recompute per account exposed to `underlying`, by priority. */
  fanOutMarketMove(underlying: string, requestedAt: number): Promise<number>;
  scheduleIndexChain(chain: string, everyMs: number): Promise<void>;
  scheduleReverifyExpiring(horizonSeconds: number, everyMs: number): Promise<void>;
  close(): Promise<void>;
}

export function createProducers({ connection, prefix }: CreateProducersParameters): JobProducers {
  const queues = Object.fromEntries(
    allQueueNames.map((name) => [name, new Queue(name, { connection, prefix, defaultJobOptions })]),
  ) as { [Q in QueueName]: Queue };
  const accountIndex = createAccountIndex(connection, prefix);

  function recomputeJob(accountId: string, reason: RecomputeReason, requestedAt: number, priority: number) {
    const data = validatePayload(queueNames.recomputeAccount, { accountId, reason, requestedAt });
    const key = recomputeJobKey(accountId);
    return {
      name: queueNames.recomputeAccount,
      data,
      opts: { priority, deduplication: { id: key, keepLastIfActive: true } },
    };
  }

  return {
    queues,
    accountIndex,
    async enqueueRecompute(accountId, { reason, requestedAt = Date.now(), priority }) {
      const p = priority ?? (await accountIndex.priorities([accountId]))[0] ?? UNKNOWN_PRIORITY;
      const job = recomputeJob(accountId, reason, requestedAt, p);
      const added = await queues['recompute-account'].add(job.name, job.data, job.opts);
      return { jobId: String(added.id) };
    },
    async enqueueMarketMove(underlying, requestedAt = Date.now()) {
      const data = validatePayload(queueNames.marketMove, { underlying, requestedAt });
      const key = marketMoveJobKey(underlying);
      const added = await queues['market-move'].add(queueNames.marketMove, data, {
        // A tick during a fan-out must fan out again once it ends (the first one may have read older
        // prices for some accounts); ticks while one is waiting join it.
        deduplication: { id: key, keepLastIfActive: true },
      });
      return { jobId: String(added.id) };
    },
    async fanOutMarketMove(underlying, requestedAt) {
      const accounts = await accountIndex.accountsExposedTo(underlying);
      const batch = 500;
      for (let i = 0; i < accounts.length; i += batch) {
        const slice = accounts.slice(i, i + batch);
        const priorities = await accountIndex.priorities(slice);
        const jobs = slice.map((a, j) =>
          recomputeJob(a, 'market-move', requestedAt, priorities[j] ?? UNKNOWN_PRIORITY),
        );
        await queues['recompute-account'].addBulk(jobs);
      }
      return accounts.length;
    },
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
