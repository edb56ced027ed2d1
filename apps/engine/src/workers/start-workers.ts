import { createJobWorker, createRedisConnection } from '@xmargin/jobs';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EngineContext } from '../context.js';
import { reverifyExpiring } from './reverify-expiring.js';

export interface WorkerSettings {
  readonly redisUrl: string;
  /** Jobs of the queues (index-chain, reverify) one process runs at once. */
  readonly concurrency: number;
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  /** Polls one configured network's adapter; absent when no network is configured. */
  readonly indexChain?: (chain: string) => Promise<{ applied: number; accounts: readonly string[] }>;
}

/**
 * Starts one BullMQ worker per periodic queue, each on its own blocking connection. Job durations are
 * reported through the job's return value so any API process observing queue events can record them.
 * Margins are not queued: ledger changes these jobs make become account events for the shard owners.
 */
export function startWorkers(
  ctx: Pick<EngineContext, 'settings' | 'store' | 'redis' | 'keys' | 'globalInputs' | 'shardEvents' | 'now'>,
  s: WorkerSettings,
): { workers: Worker[]; connections: Redis[] } {
  const common = {
    prefix: ctx.settings.queuePrefix,
    lockDurationMs: s.lockDurationMs,
    stalledIntervalMs: s.stalledIntervalMs,
    concurrency: s.concurrency,
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
  const workers: Worker[] = [
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
            await ctx.shardEvents.accountsChanged(r.accounts, ctx.now());
            return { applied: r.applied, accounts: r.accounts.length };
          }),
      }),
    );
  }
  // The caller observes them (observeWorker: failures logged and counted, worker errors logged).
  return { workers, connections };
}
