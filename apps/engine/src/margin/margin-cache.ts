import type { Redis } from 'ioredis';
import type { MarginSnapshot } from './snapshot.js';

/**
 * Latest snapshot per account in Redis: GET margin is one Redis GET, no database round trip. The
 * history lives in Postgres; this cache is rebuilt by any recompute.
 */
export interface MarginCache {
  get(accountId: string): Promise<MarginSnapshot | null>;
  /** The raw JSON, for the hot read path (no parse + re-serialize). */
  getRaw(accountId: string): Promise<string | null>;
  set(snapshot: MarginSnapshot): Promise<void>;
}

export function createMarginCache(redis: Redis, prefix: string): MarginCache {
  const key = (a: string) => `${prefix}:margin:${a}`;
  return {
    async get(accountId) {
      const raw = await redis.get(key(accountId));
      return raw === null ? null : (JSON.parse(raw) as MarginSnapshot);
    },
    getRaw: (accountId) => redis.get(key(accountId)),
    async set(snapshot) {
      await redis.set(key(snapshot.accountId), JSON.stringify(snapshot));
    },
  };
}
