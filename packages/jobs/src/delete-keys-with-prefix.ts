import type { Redis } from 'ioredis';

/**
 * Deletes every key under `prefix:` (queues, caches, indexes and streams of one engine deployment or
 * one test file), scanning in batches so a large prefix never blocks Redis. Returns how many were deleted.
 */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) deleted += await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}
