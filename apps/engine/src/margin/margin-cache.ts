import type { ChainableCommander, Redis } from 'ioredis';
import type { MarginSnapshot } from './snapshot.js';

/** What GET margin returns, minus the ages computed at read time: a few hundred bytes. */
export type MarginView = Pick<
  MarginSnapshot,
  'accountId' | 'computedAt' | 'asOf' | 'inputHash' | 'paramsVersion' | 'summary' | 'freshness'
> & { readonly warnings: readonly { code: string; path: string; message: string }[] };

export function marginView(s: MarginSnapshot): MarginView {
  return {
    accountId: s.accountId,
    computedAt: s.computedAt,
    asOf: s.asOf,
    inputHash: s.inputHash,
    paramsVersion: s.paramsVersion,
    summary: s.summary,
    freshness: s.freshness,
    warnings: s.result.warnings.map((w) => ({ code: w.code, path: w.path, message: w.message })),
  };
}

/**
 * Latest snapshot per account in Redis: GET margin is one Redis GET of a small view, no database
 * round trip; the full snapshot (with the risk result) is kept beside it for explain-like readers and
 * threshold detection. The history lives in Postgres; this cache is rebuilt by any recompute.
 */
export interface MarginCache {
  get(accountId: string): Promise<MarginSnapshot | null>;
  getView(accountId: string): Promise<MarginView | null>;
  /** Several views in one round trip (MGET), in the order asked. */
  getViews(accountIds: readonly string[]): Promise<(MarginView | null)[]>;
  set(snapshot: MarginSnapshot): Promise<void>;
  /** Queues the same writes on a pipeline or MULTI of the cache's connection (the caller runs it). */
  queueSet(pipeline: ChainableCommander, snapshot: MarginSnapshot): void;
}

export function createMarginCache(redis: Redis, prefix: string): MarginCache {
  const full = (a: string) => `${prefix}:margin:${a}`;
  const view = (a: string) => `${prefix}:margin-view:${a}`;
  return {
    async get(accountId) {
      const raw = await redis.get(full(accountId));
      return raw === null ? null : (JSON.parse(raw) as MarginSnapshot);
    },
    async getView(accountId) {
      const raw = await redis.get(view(accountId));
      return raw === null ? null : (JSON.parse(raw) as MarginView);
    },
    async getViews(accountIds) {
      if (accountIds.length === 0) return [];
      const raws = await redis.mget(...accountIds.map(view));
      return raws.map((raw) => (raw === null ? null : (JSON.parse(raw) as MarginView)));
    },
    async set(snapshot) {
      const tx = redis.multi();
      this.queueSet(tx, snapshot);
      await tx.exec();
    },
    queueSet(pipeline, snapshot) {
      pipeline
        .set(full(snapshot.accountId), JSON.stringify(snapshot))
        .set(view(snapshot.accountId), JSON.stringify(marginView(snapshot)));
    },
  };
}
