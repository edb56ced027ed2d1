import { createJobWorker, createRedisConnection } from '@xmargin/jobs';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EngineContext } from '../context.js';
import { recomputeAccounts } from '../margin/recompute-account.js';
import { createRecomputeBatcher } from '../margin/recompute-batcher.js';
import { reverifyExpiring } from './reverify-expiring.js';

export interface WorkerSettings {
  readonly redisUrl: string;
  /** Jobs of the small queues (market-move, index-chain, reverify) one process runs at once. */
  readonly concurrency: number;
  /**
   * Recompute jobs one process holds at once; they are recomputed in batches of up to this many (one
   * query, one INSERT, one MULTI per batch).
   */
  readonly recomputeConcurrency: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  /** Logs a worker-level error (connection loss, lock renewal failure); never throws. */
  readonly onError: (err: Error, queue: string) => void;
  /** Polls one configured network's adapter; absent when no network is configured. */
  readonly indexChain?: (chain: string) => Promise<{ applied: number; accounts: readonly string[] }>;
}

/**
 * Starts one BullMQ worker per queue, each on its own blocking connection. Job durations are reported
 * through the job's return value so any API process observing queue events can record them.
 */
export function startWorkers(
  ctx: EngineContext,
  s: WorkerSettings,
): { workers: Worker[]; connections: Redis[] } {
  const common = {
    prefix: ctx.settings.queuePrefix,
    lockDurationMs: s.lockDurationMs,
    stalledIntervalMs: s.stalledIntervalMs,
  };
  const connections: Redis[] = [];
  const conn = (name: string) => {
    const c = createRedisConnection(s.redisUrl, { name: `xmargin-worker-${name}` });
    connections.push(c);
    return c;
  };
  const timed = async <T>(fn: () => Promise<T>) => {
    const start = performance.now();
    const value = await fn();
    return { ...value, durationMs: performance.now() - start };
  };
  const batcher = createRecomputeBatcher((requests) => recomputeAccounts(ctx, requests), {
    maxBatch: s.recomputeConcurrency,
  });
  const workers: Worker[] = [
    createJobWorker({
      ...common,
      queue: 'recompute-account',
      connection: conn('recompute'),
      concurrency: s.recomputeConcurrency,
      handler: (payload) =>
        timed(async () => {
          const snap = await batcher.recompute(payload);
          return { accountId: snap.accountId, inputHash: snap.inputHash, requestedAt: payload.requestedAt };
        }),
    }),
    createJobWorker({
      ...common,
      queue: 'market-move',
      connection: conn('market-move'),
      handler: (payload) =>
        timed(async () => ({
          accounts: await ctx.producers.fanOutMarketMove(payload.underlying, payload.requestedAt),
        })),
    }),
    createJobWorker({
      ...common,
      queue: 'reverify-expiring',
      connection: conn('reverify'),
      handler: (payload) => timed(async () => reverifyExpiring(ctx, payload.horizonSeconds)),
    }),
  ];
  if (s.indexChain) {
    const indexChain = s.indexChain;
    workers.push(
      createJobWorker({
        ...common,
        queue: 'index-chain',
        connection: conn('index-chain'),
        handler: (payload) =>
          timed(async () => {
            const r = await indexChain(payload.chain);
            for (const a of r.accounts) await ctx.producers.enqueueRecompute(a, { reason: 'index' });
            return { applied: r.applied, accounts: r.accounts.length };
          }),
      }),
    );
  }
  for (const w of workers) w.on('error', (err) => s.onError(err, w.name));
  return { workers, connections };
}
