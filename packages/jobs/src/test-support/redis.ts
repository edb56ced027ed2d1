import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { deleteKeysWithPrefix } from '../delete-keys-with-prefix.js';

export const REDIS_URL_TEST = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';

/** A unique BullMQ prefix per test file, so parallel files never see each other's jobs. */
export function uniquePrefix(label: string): string {
  return `test-${label}-${randomBytes(4).toString('hex')}`;
}

/** Obliterates the queues and deletes every other key under the prefix. */
export async function cleanupPrefix(prefix: string, queues: readonly Queue[]): Promise<void> {
  for (const q of queues) await q.obliterate({ force: true }).catch(() => undefined);
  const redis = new Redis(REDIS_URL_TEST, { maxRetriesPerRequest: null });
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
}
