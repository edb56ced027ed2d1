import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection } from './connection.js';
import { createProducers, type JobProducers } from './producers.js';
import { cleanupPrefix, REDIS_URL_TEST, uniquePrefix } from './test-support/redis.js';

let connection: Redis;
let producers: JobProducers;
const prefix = uniquePrefix('producers');

beforeAll(() => {
  connection = createRedisConnection(REDIS_URL_TEST);
  producers = createProducers({ connection, prefix });
});

afterAll(async () => {
  await cleanupPrefix(prefix, Object.values(producers.queues));
  await producers.close();
  connection.disconnect();
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
