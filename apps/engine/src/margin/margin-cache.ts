import type { ChainableCommander, Redis } from 'ioredis';
import type { RedisKeys } from '../redis-keys.js';
import { packMarks } from './packed.js';
import type { ChainFreshness, MarginSummary } from './snapshot.js';
import { joinView, viewLedgerJson } from './view-json.js';

/** Why an account's margin could not be computed, and since when (unix ms). */
export interface StaleReason {
  readonly code: string;
  readonly message: string;
  readonly since: number;
}

/**
 * What GET margin returns, minus the ages computed at read time: a few hundred bytes, written by the
 * owner of the account's shard whenever the account's summary or ledger inputs change. Stored as two
 * parts: the ledger part (JSON, view-json.ts), rewritten only when it changes, and the mark part
 * (packed, packed.ts).
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

/**
 * Views' two stored parts, per view in order: the ledger part's JSON (view-json.ts), null when
 * unchanged since the owner last wrote it; the packed mark part (packed.ts).
 */
export interface ViewTexts {
  readonly ledgers: readonly (string | null)[];
  readonly marks: readonly string[];
}

/**
 * The cached views in Redis: GET margin is one MGET of the view's two parts, no database round trip.
 * Both parts of a view are written by one MSET and read by one MGET, so a reader never joins a ledger
 * part with a mark part of another publish.
 */
export interface MarginCache {
  getView(accountId: string): Promise<MarginView | null>;
  /** Several views in one round trip (MGET), in the order asked. */
  getViews(accountIds: readonly string[]): Promise<(MarginView | null)[]>;
  /**
   * Queues the views' writes on a pipeline or MULTI (the caller runs it). `texts` may pass the views'
   * parts already made; a null ledger part is not written (a market move rewrites only the mark parts).
   * Without `texts` both parts are written.
   */
  queueSet(pipeline: ChainableCommander, views: readonly MarginView[], texts?: ViewTexts): void;
}

export function createMarginCache(
  redis: Redis,
  keys: Pick<RedisKeys, 'marginViewLedger' | 'marginViewMark'>,
): MarginCache {
  const partKeys = (accountIds: readonly string[]) =>
    accountIds.flatMap((a) => [keys.marginViewLedger(a), keys.marginViewMark(a)]);
  return {
    async getView(accountId) {
      const [ledger, mark] = await redis.mget(...partKeys([accountId]));
      return joinView(ledger ?? null, mark ?? null);
    },
    async getViews(accountIds) {
      if (accountIds.length === 0) return [];
      const raws = await redis.mget(...partKeys(accountIds));
      return accountIds.map((_, i) => joinView(raws[2 * i] ?? null, raws[2 * i + 1] ?? null));
    },
    queueSet(pipeline, views, texts) {
      const chunk = 1_000;
      for (let i = 0; i < views.length; i += chunk) {
        const end = Math.min(views.length, i + chunk);
        const marks = texts ? undefined : packMarks(views.slice(i, end));
        const args: string[] = [];
        for (let j = i; j < end; j++) {
          const v = views[j]!;
          const ledger = texts ? texts.ledgers[j]! : viewLedgerJson(v);
          if (ledger !== null) args.push(keys.marginViewLedger(v.accountId), ledger);
          args.push(keys.marginViewMark(v.accountId), texts ? texts.marks[j]! : marks![j - i]!);
        }
        pipeline.mset(...args);
      }
    },
  };
}
