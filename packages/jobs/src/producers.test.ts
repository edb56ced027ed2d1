import { isAppError } from '@xmargin/errors';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from './connection.js';
import { createJobWorker } from './create-job-worker.js';
import { createProducers, type JobProducers } from './producers.js';
import { cleanupPrefix, REDIS_URL_TEST, uniquePrefix } from './test-support/redis.js';

let connection: Redis;
let producers: JobProducers;
const prefix = uniquePrefix('producers');
const extraConnections: Redis[] = [];

function workerConnection(): Redis {
  const c = createRedisConnection(REDIS_URL_TEST);
  extraConnections.push(c);
  return c;
}

beforeAll(() => {
  connection = createRedisConnection(REDIS_URL_TEST);
  producers = createProducers({ connection, prefix });
});

afterAll(async () => {
  await cleanupPrefix(prefix, Object.values(producers.queues));
  await producers.close();
  connection.disconnect();
  for (const c of extraConnections) c.disconnect();
});

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function until(predicate: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('recompute-account', () => {
  it('rejects an invalid account id before touching Redis', async () => {
    const err = await producers.enqueueRecompute('not-an-account', { reason: 'manual' }).catch((e) => e);
    expect(isAppError(err, 'QUEUE__INVALID_PAYLOAD')).toBe(true);
    expect(err.context.issues[0]).toMatch(/^accountId:/);
  });

  it('coalesces a burst into one waiting job, and keeps exactly one more run for changes during a run', async () => {
    const queue = producers.queues['recompute-account'];
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) {
      ids.add((await producers.enqueueRecompute('acc_burst', { reason: 'positions', requestedAt: i })).jobId);
    }
    expect(ids.size).toBe(1);
    expect(await queue.getJobCountByTypes('waiting', 'prioritized')).toBe(1);

    const firstRunStarted = deferred();
    const releaseFirstRun = deferred();
    const seen: number[] = [];
    const worker = createJobWorker({
      queue: 'recompute-account',
      connection: workerConnection(),
      prefix,
      handler: async (payload) => {
        seen.push(payload.requestedAt);
        if (seen.length === 1) {
          firstRunStarted.resolve();
          await releaseFirstRun.promise;
        }
      },
    });
    await firstRunStarted.promise;
    // Changes landing while the first run is active must not be lost: one more run, with the latest data.
    for (let i = 100; i < 110; i++) {
      await producers.enqueueRecompute('acc_burst', { reason: 'positions', requestedAt: i });
    }
    releaseFirstRun.resolve();
    await until(
      async () =>
        seen.length === 2 && (await queue.getJobCountByTypes('waiting', 'prioritized', 'active')) === 0,
    );
    await new Promise((r) => setTimeout(r, 200));
    await worker.close();
    expect(seen).toEqual([0, 109]);
  });

  it('runs accounts closer to liquidation first', async () => {
    const order: string[] = [];
    await producers.enqueueRecompute('acc_safe', { reason: 'manual', priority: 5_000 });
    await producers.enqueueRecompute('acc_underwater', { reason: 'manual', priority: 1 });
    await producers.enqueueRecompute('acc_close', { reason: 'manual', priority: 40 });
    const worker = createJobWorker({
      queue: 'recompute-account',
      connection: workerConnection(),
      prefix,
      handler: async (payload) => {
        order.push(payload.accountId);
      },
    });
    await until(() => order.length === 3);
    await worker.close();
    expect(order).toEqual(['acc_underwater', 'acc_close', 'acc_safe']);
  });

  it('uses the priority recorded in the account index when none is given', async () => {
    await producers.accountIndex.setAccountState('acc_indexed', { underlyings: [], priority: 7 });
    const { jobId } = await producers.enqueueRecompute('acc_indexed', { reason: 'manual' });
    const job = (await producers.queues['recompute-account'].getJob(jobId)) as Job;
    expect(job.opts.priority).toBe(7);
    await job.remove();
  });
});

describe('market-move fan-out', () => {
  it('enqueues one recompute per exposed account and follows exposure changes', async () => {
    const idx = producers.accountIndex;
    await idx.setAccountState('acc_fan1', { underlyings: ['ETH', 'SOL'], priority: 3 });
    await idx.setAccountState('acc_fan2', { underlyings: ['ETH'], priority: 900 });
    await idx.setAccountState('acc_fan3', { underlyings: ['BTC'], priority: 10 });
    expect(await idx.accountsExposedTo('ETH')).toEqual(['acc_fan1', 'acc_fan2']);

    await idx.setAccountState('acc_fan1', { underlyings: ['SOL'], priority: 3 });
    expect(await idx.accountsExposedTo('ETH')).toEqual(['acc_fan2']);
    expect(await idx.underlyingsOf('acc_fan1')).toEqual(['SOL']);

    const queue = producers.queues['recompute-account'];
    const n = await producers.fanOutMarketMove('SOL', 123);
    expect(n).toBe(1);
    const waiting = await queue.getJobs(['waiting', 'prioritized']);
    expect(waiting.map((j) => [j.data.accountId, j.data.reason, j.opts.priority])).toEqual([
      ['acc_fan1', 'market-move', 3],
    ]);
    await queue.drain();
  });

  it('queues an exposure update on a MULTI, applied with the transaction', async () => {
    const idx = producers.accountIndex;
    await idx.setAccountState('acc_tx', { underlyings: ['ETH', 'BTC'], priority: 5 });
    const tx = connection.multi().get(`${prefix}:unrelated`);
    idx.queueAccountState(tx, 'acc_tx', { underlyings: ['SOL', 'SOL', 'ETH'], priority: 42 });
    // Nothing changes before the transaction runs.
    expect(await idx.underlyingsOf('acc_tx')).toEqual(['BTC', 'ETH']);
    const replies = await tx.exec();
    expect(replies?.map(([err]) => err)).toEqual([null, null]);
    expect(await idx.underlyingsOf('acc_tx')).toEqual(['ETH', 'SOL']);
    expect(await idx.accountsExposedTo('BTC')).not.toContain('acc_tx');
    expect(await idx.priorities(['acc_tx'])).toEqual([42]);
  });

  it('market-move jobs for one underlying coalesce', async () => {
    const a = await producers.enqueueMarketMove('ETH', 1);
    const b = await producers.enqueueMarketMove('ETH', 2);
    const c = await producers.enqueueMarketMove('BTC', 3);
    expect(a.jobId).toBe(b.jobId);
    expect(c.jobId).not.toBe(a.jobId);
    await producers.queues['market-move'].drain();
  });
});

describe('schedulers', () => {
  it('index-chain is repeatable per network and upserts idempotently', async () => {
    await producers.scheduleIndexChain('ethereum', 60_000);
    await producers.scheduleIndexChain('ethereum', 30_000);
    await producers.scheduleIndexChain('solana', 60_000);
    const schedulers = await producers.queues['index-chain'].getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every]).sort()).toEqual([
      ['index-chain-ethereum', 30_000],
      ['index-chain-solana', 60_000],
    ]);
    await producers.scheduleReverifyExpiring(600, 60_000);
    expect((await producers.queues['reverify-expiring'].getJobSchedulers()).length).toBe(1);
  });
});
