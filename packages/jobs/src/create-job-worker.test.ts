import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from './connection.js';
import { createJobWorker } from './create-job-worker.js';
import { createProducers, type JobProducers } from './producers.js';
import { createQueueAdmin } from './queue-admin.js';
import { cleanupPrefix, REDIS_URL_TEST, uniquePrefix } from './test-support/redis.js';

let connection: Redis;
let producers: JobProducers;
const prefix = uniquePrefix('worker');
const extra: Redis[] = [];
const conn = () => {
  const c = createRedisConnection(REDIS_URL_TEST);
  extra.push(c);
  return c;
};

beforeAll(() => {
  connection = createRedisConnection(REDIS_URL_TEST);
  producers = createProducers({ connection, prefix });
});

afterAll(async () => {
  await cleanupPrefix(prefix, Object.values(producers.queues));
  await producers.close();
  connection.disconnect();
  for (const c of extra) c.disconnect();
});

async function until(predicate: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('createJobWorker', () => {
  it('fails an invalid payload at once, without retries, and shows it as a dead letter', async () => {
    const queue = producers.queues['reverify-expiring'];
    // Bypasses the producer on purpose: a payload written by an older or broken producer.
    const job = await queue.add('reverify-expiring', { horizonSeconds: -1 }, { attempts: 5 });
    let calls = 0;
    const worker = createJobWorker({
      queue: 'reverify-expiring',
      connection: conn(),
      prefix,
      handler: async () => {
        calls++;
      },
    });
    await until(async () => (await job.isFailed()) === true);
    await worker.close();
    const failed = await queue.getJob(String(job.id));
    expect(calls).toBe(0);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/QUEUE__INVALID_PAYLOAD/);

    const admin = createQueueAdmin(producers.queues);
    const dead = await admin.failed('reverify-expiring');
    expect(dead.map((d) => d.id)).toContain(String(job.id));
    const counts = await admin.counts();
    expect(counts.find((c) => c.queue === 'reverify-expiring')?.failed).toBe(1);
    await admin.discard('reverify-expiring', String(job.id));
    expect(await admin.failed('reverify-expiring')).toEqual([]);
    await expect(admin.retry('reverify-expiring', String(job.id))).rejects.toMatchObject({
      code: 'QUEUE__JOB_NOT_FOUND',
    });
  });

  it('retries transient failures with backoff, then succeeds', async () => {
    let calls = 0;
    const times: number[] = [];
    const worker = createJobWorker({
      queue: 'index-chain',
      connection: conn(),
      prefix,
      // Short: BullMQ's stalled check is throttled per queue by this interval, and the stalled-job test
      // below runs on the same queue.
      stalledIntervalMs: 500,
      handler: async () => {
        times.push(Date.now());
        calls++;
        if (calls < 3) throw new Error('rpc timeout');
        return 'ok';
      },
    });
    const job = await producers.queues['index-chain'].add(
      'index-chain',
      { chain: 'ethereum' },
      { attempts: 5, backoff: { type: 'exponential', delay: 100 } },
    );
    await until(() => calls === 3);
    await until(async () => (await producers.queues['index-chain'].getJob(String(job.id))) === undefined);
    await worker.close();
    expect(calls).toBe(3);
    // Exponential backoff: the second wait is about twice the first.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(90);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(180);
  });

  it('a failed job can be retried by an operator', async () => {
    let fail = true;
    const queue = producers.queues['reverify-expiring'];
    const worker = createJobWorker({
      queue: 'reverify-expiring',
      connection: conn(),
      prefix,
      handler: async () => {
        if (fail) throw new Error('guardian unreachable');
      },
    });
    const job = await queue.add('reverify-expiring', { horizonSeconds: 60 }, { attempts: 1 });
    await until(async () => (await job.isFailed()) === true);
    fail = false;
    await createQueueAdmin(producers.queues).retry('reverify-expiring', String(job.id));
    await until(async () => (await queue.getJob(String(job.id))) === undefined);
    await worker.close();
  });

  it('recovers a job whose worker died mid-run (stalled) on another worker', async () => {
    const deadConnection = conn();
    let started = false;
    const dying = createJobWorker({
      queue: 'index-chain',
      connection: deadConnection,
      prefix,
      lockDurationMs: 1_000,
      stalledIntervalMs: 500,
      handler: () => {
        started = true;
        return new Promise(() => undefined); // never finishes: the process "dies" below
      },
    });
    dying.on('error', () => undefined);
    await producers.queues['index-chain'].add('index-chain', { chain: 'stalled-chain' });
    await until(() => started);
    // Simulates a killed process: no more lock renewals, no more commands from this worker.
    await dying.close(true);
    deadConnection.disconnect();

    const done: string[] = [];
    const survivor = createJobWorker({
      queue: 'index-chain',
      connection: conn(),
      prefix,
      lockDurationMs: 1_000,
      stalledIntervalMs: 500,
      handler: async (p) => {
        done.push(p.chain);
      },
    });
    await until(() => done.length === 1);
    await survivor.close();
    expect(done).toEqual(['stalled-chain']);
  });
});
