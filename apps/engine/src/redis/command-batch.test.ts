import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL_TEST } from '../test-support/harness.js';
import { commandBatch } from './command-batch.js';

// Commands sent as they are queued on one real Redis connection, answered together.
let redis: Redis;
const prefix = `test-command-batch-${Math.random().toString(16).slice(2, 10)}`;
const APPEND = "return redis.call('RPUSH', KEYS[1], ARGV[1])";

beforeAll(() => {
  redis = new Redis(REDIS_URL_TEST, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('command batch', () => {
  it('runs the commands in the order queued, binary arguments intact', async () => {
    const list = `${prefix}:list`;
    const bytes = Buffer.from([0, 255, 13, 10, 128, 1]);
    const batch = commandBatch(redis);
    for (let i = 0; i < 50; i++) batch.eval(APPEND, 1, list, i % 10 === 0 ? bytes : String(i));
    batch
      .zadd(`${prefix}:z`, 2, 'b', 1, 'a')
      .hset(`${prefix}:h`, 'f', 'v', 'g', 'w')
      .hdel(`${prefix}:h`, 'g');
    expect(await batch.settled()).toBeUndefined();
    const stored = await redis.lrangeBuffer(list, 0, -1);
    expect(stored.map((b, i) => (i % 10 === 0 ? b.equals(bytes) : b.toString() === String(i)))).toEqual(
      Array(50).fill(true),
    );
    expect(await redis.zrange(`${prefix}:z`, 0, -1)).toEqual(['a', 'b']);
    expect(await redis.hgetall(`${prefix}:h`)).toEqual({ f: 'v' });
  });

  it('answers the first refusal in the order sent, the commands after it having run', async () => {
    const taken = `${prefix}:string`;
    const list = `${prefix}:after`;
    await redis.set(taken, 'x');
    const batch = commandBatch(redis);
    batch.eval(APPEND, 1, list, 'before');
    batch.hset(taken, 'f', 'v'); // WRONGTYPE
    batch.zadd(taken, 1, 'm'); // WRONGTYPE too, later
    batch.eval(APPEND, 1, list, 'after');
    const failed = await batch.settled();
    expect(String(failed)).toMatch(/WRONGTYPE/);
    expect(await redis.lrange(list, 0, -1)).toEqual(['before', 'after']);
    expect(await redis.get(taken)).toBe('x');
  });

  it('answers a failed connection as an error, not as success', async () => {
    const closed = new Redis(REDIS_URL_TEST, {
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      enableOfflineQueue: false,
    });
    const batch = commandBatch(closed);
    batch.eval(APPEND, 1, `${prefix}:never`, 'x');
    expect(await batch.settled()).toBeInstanceOf(Error);
    expect(await redis.exists(`${prefix}:never`)).toBe(0);
    closed.disconnect();
  });
});
