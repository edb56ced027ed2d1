import { Redis } from 'ioredis';
import { afterAll, expect, it } from 'vitest';
import { deleteKeysWithPrefix } from './delete-keys-with-prefix.js';
import { REDIS_URL_TEST, uniquePrefix } from './test-support/redis.js';

const redis = new Redis(REDIS_URL_TEST, { maxRetriesPerRequest: null });
afterAll(() => redis.disconnect());

it('deletes every key under the prefix, across scan batches, and nothing else', async () => {
  const prefix = uniquePrefix('delete');
  const other = uniquePrefix('keep');
  const pipeline = redis.pipeline();
  for (let i = 0; i < 2500; i++) pipeline.set(`${prefix}:k${i}`, '1');
  pipeline.set(`${other}:k`, '1');
  pipeline.set(`${prefix}-lookalike:k`, '1');
  await pipeline.exec();

  expect(await deleteKeysWithPrefix(redis, prefix)).toBe(2500);
  expect(await redis.exists(`${prefix}:k0`, `${prefix}:k2499`)).toBe(0);
  expect(await redis.get(`${other}:k`)).toBe('1');
  expect(await redis.get(`${prefix}-lookalike:k`)).toBe('1');
  expect(await deleteKeysWithPrefix(redis, prefix)).toBe(0);
  await redis.del(`${other}:k`, `${prefix}-lookalike:k`);
});
