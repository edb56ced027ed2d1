import type { ChainableCommander, Redis } from 'ioredis';
import type { RedisKeys } from '../redis-keys.js';
import type { ChainFreshness, MarginSummary } from './snapshot.js';
import { viewJson } from './view-json.js';

/** Why an account's margin could not be computed, and since when (unix ms). */
export interface StaleReason {
  readonly code: string;
  readonly message: string;
  readonly since: number;
}

/**
 * What GET margin returns, minus the ages computed at read time: a few hundred bytes, written by the
 * owner of the account's shard whenever the account's summary or ledger inputs change.
 */
export interface MarginView {
  readonly accountId: string;
  /** Unix ms when the owner published this view. */
  readonly computedAt: number;
  /** The valuation time (unix seconds) of the book the summary comes from. */
  readonly asOf: number;
  /** sha256 of the account's ledger inputs (collateral and positions): same hash, same ledger state. */
  readonly inputHash: string;
  readonly paramsVersion: number | null;
  /** `stale`: the latest inputs cannot be computed; `summary` is then the last computed one, or null. */
  readonly status: 'ok' | 'stale';
  readonly stale?: StaleReason;
  readonly summary: MarginSummary | null;
  readonly freshness: readonly ChainFreshness[];
  readonly warnings: readonly { code: string; path: string; message: string }[];
  /** When the newest change this view reflects was accepted (unix ms). */
  readonly requestedAt: number;
}

function parseView(raw: string | null): MarginView | null {
  if (raw === null) return null;
  const v = JSON.parse(raw) as Partial<MarginView> | null;
  // Only this module writes these keys; anything else (an older release's view) counts as missing.
  if (
    !v ||
    typeof v.accountId !== 'string' ||
    typeof v.computedAt !== 'number' ||
    !Array.isArray(v.freshness)
  )
    return null;
  return v as MarginView;
}

/** The cached views in Redis: GET margin is one GET, no database round trip. */
export interface MarginCache {
  getView(accountId: string): Promise<MarginView | null>;
  /** Several views in one round trip (MGET), in the order asked. */
  getViews(accountIds: readonly string[]): Promise<(MarginView | null)[]>;
  /**
   * Queues the views' writes on a pipeline or MULTI (the caller runs it); `texts` may pass each view's
   * JSON already made (`viewJson`, same order).
   */
  queueSet(pipeline: ChainableCommander, views: readonly MarginView[], texts?: readonly string[]): void;
}

export function createMarginCache(redis: Redis, keys: Pick<RedisKeys, 'marginView'>): MarginCache {
  return {
    async getView(accountId) {
      return parseView(await redis.get(keys.marginView(accountId)));
    },
    async getViews(accountIds) {
      if (accountIds.length === 0) return [];
      const raws = await redis.mget(...accountIds.map((a) => keys.marginView(a)));
      return raws.map(parseView);
    },
    queueSet(pipeline, views, texts) {
      const chunk = 1_000;
      for (let i = 0; i < views.length; i += chunk) {
        const args: string[] = [];
        for (let j = i; j < Math.min(views.length, i + chunk); j++) {
          const v = views[j]!;
          args.push(keys.marginView(v.accountId), texts?.[j] ?? viewJson(v));
        }
        pipeline.mset(...args);
      }
    },
  };
}
