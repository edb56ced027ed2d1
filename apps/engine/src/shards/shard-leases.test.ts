import { createRedisConnection, deleteKeysWithPrefix } from '@xmargin/jobs';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { redisKeys } from '../redis-keys.js';
import { REDIS_URL_TEST, testIds } from '../test-support/harness.js';
import { createShardLeases, type ShardLeases } from './shard-leases.js';

const { prefix } = testIds('leases');
const keys = redisKeys(prefix);
let redis: Redis;
beforeAll(() => {
  redis = createRedisConnection(REDIS_URL_TEST);
});
afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

function worker(id: string, log: { acquired: number[]; lost: number[] }, leaseMs = 600): ShardLeases {
  return createShardLeases({
    redis,
    keys,
    workerId: id,
    shards: 8,
    leaseMs,
    onAcquired: async (s) => {
      log.acquired.push(...s);
    },
    onLost: (s) => {
      log.lost.push(...s);
    },
    onError: (err) => {
      throw err;
    },
  });
}

const sorted = (s: Iterable<number>) => [...s].sort((a, b) => a - b);

it('splits the shards between live workers, takes a dead one’s over after its lease, and drops lost leases', async () => {
  const logA = { acquired: [] as number[], lost: [] as number[] };
  const logB = { acquired: [] as number[], lost: [] as number[] };
  const a = worker('worker-a', logA);
  const b = worker('worker-b', logB);
  await a.tick(); // alone: takes its share, every shard
  expect(sorted(a.held())).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  await b.tick(); // b is live now, but every shard is taken
  await a.tick(); // a sees two live workers and hands back the shards above its share
  await b.tick(); // b takes them
  expect(a.held().size).toBe(4);
  expect(b.held().size).toBe(4);
  expect(sorted([...a.held(), ...b.held()])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  expect(sorted(logA.lost)).toEqual(sorted(b.held()));

  // b dies (no release, no renewal): after its lease time a takes everything over.
  const bShards = sorted(b.held());
  const acquiredBefore = logA.acquired.length;
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 150));
    await a.tick(); // a stays alive: renews its own leases
  }
  expect(sorted(a.held())).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  // Each taken over through onAcquired (the owner rebuilds it from Postgres there).
  expect(sorted(logA.acquired.slice(acquiredBefore))).toEqual(bShards);

  // A lease taken by someone else (e.g. after a pause longer than the lease) is dropped at renewal.
  await redis.set(keys.shardLease(3), 'worker-c', 'PX', 10_000);
  await a.tick();
  expect(a.holds(3)).toBe(false);
  expect(logA.lost).toContain(3);

  // A clean stop releases the leases at once.
  await a.stop();
  const owners = await redis.mget(...[0, 1, 2, 4, 5, 6, 7].map((s) => keys.shardLease(s)));
  expect(owners.every((o) => o === null)).toBe(true);
});
