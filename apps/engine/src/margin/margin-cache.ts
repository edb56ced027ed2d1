import type { Redis } from 'ioredis';
import type { ScriptQueue } from '../redis/command-batch.js';
import type { RedisKeys } from '../redis-keys.js';
import { MARK_BYTES } from './packed.js';
import type { ChainFreshness, MarginSummary } from './snapshot.js';
import { joinView } from './view-json.js';

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
  /** The mark parts (packed.ts `writeMark`: MARK_BYTES each, in order). */
  readonly marks: Buffer;
}

/**
 * The cached views in Redis: GET margin is one MGET of the view's two parts, no database round trip.
 * Both parts of a view are written by one script (atomic) and read by one MGET, so a reader never joins a ledger
 * part with a mark part of another publish.
 */
export interface MarginCache {
  getView(accountId: string): Promise<MarginView | null>;
  /** Several views in one round trip (MGET), in the order asked. */
  getViews(accountIds: readonly string[]): Promise<(MarginView | null)[]>;
  /**
   * Queues the writes of views' parts on a pipeline, MULTI or command batch (the caller runs it and keeps
   * `texts.marks` unchanged until it was answered): the accounts, and per
   * account (same order) its ledger part, not written where null (a market move rewrites only the mark
   * parts), and its mark part. Made from the parts, not from view objects: a market move's publish makes
   * no view object per account.
   */
  queueSetParts(pipeline: ScriptQueue, accountIds: readonly string[], texts: ViewTexts): void;
}

// Writes views' parts in one atomic step without an argument per key. KEYS: none (the keys are made from
// ARGV, which a single Redis server allows; a Redis Cluster would not). ARGV: the ledger key prefix, the mark key prefix,
// the accounts (a JSON array), their mark parts (MARK_BYTES each, in order), then per written ledger
// part its account's position in the array (1-based) and its JSON. A market move writes thousands of
// mark parts: as MSET arguments each cost the worker a key and a value through the command encoder.
const SET_VIEWS_SCRIPT = `local ids = cjson.decode(ARGV[3])
local marks = ARGV[4]
local args = {}
local function put(key, value)
  args[#args + 1] = key
  args[#args + 1] = value
  if #args >= 2000 then
    redis.call('MSET', unpack(args))
    args = {}
  end
end
for k = 5, #ARGV, 2 do put(ARGV[1] .. ids[tonumber(ARGV[k])], ARGV[k + 1]) end
for i = 1, #ids do put(ARGV[2] .. ids[i], string.sub(marks, (i - 1) * ${MARK_BYTES} + 1, i * ${MARK_BYTES})) end
if #args > 0 then redis.call('MSET', unpack(args)) end
return #ids`;

export function createMarginCache(
  redis: Redis,
  keys: Pick<RedisKeys, 'marginViewLedger' | 'marginViewMark'>,
): MarginCache {
  const partKeys = (accountIds: readonly string[]) =>
    accountIds.flatMap((a) => [keys.marginViewLedger(a), keys.marginViewMark(a)]);
  // The script makes the keys as prefix + account id: the key functions must make them so.
  const ledgerPrefix = keys.marginViewLedger('');
  const markPrefix = keys.marginViewMark('');
  if (
    keys.marginViewLedger('acc_x') !== `${ledgerPrefix}acc_x` ||
    keys.marginViewMark('acc_x') !== `${markPrefix}acc_x`
  )
    throw new Error('margin view keys must be a prefix followed by the account id');
  const queueSetParts: MarginCache['queueSetParts'] = (pipeline, accountIds, texts) => {
    const chunk = 1_000;
    for (let i = 0; i < accountIds.length; i += chunk) {
      const end = Math.min(accountIds.length, i + chunk);
      const ledgers: (string | number)[] = [];
      for (let j = i; j < end; j++) {
        const ledger = texts.ledgers[j]!;
        if (ledger !== null) ledgers.push(j - i + 1, ledger);
      }
      pipeline.eval(
        SET_VIEWS_SCRIPT,
        0,
        ledgerPrefix,
        markPrefix,
        JSON.stringify(i === 0 && end === accountIds.length ? accountIds : accountIds.slice(i, end)),
        texts.marks.subarray(i * MARK_BYTES, end * MARK_BYTES),
        ...ledgers,
      );
    }
  };
  return {
    // As Buffers: the mark parts are bytes (packed.ts), which a UTF-8 decoding would lose.
    async getView(accountId) {
      const [ledger, mark] = await redis.mgetBuffer(...partKeys([accountId]));
      return joinView(ledger?.toString() ?? null, mark ?? null);
    },
    async getViews(accountIds) {
      if (accountIds.length === 0) return [];
      const raws = await redis.mgetBuffer(...partKeys(accountIds));
      return accountIds.map((_, i) => joinView(raws[2 * i]?.toString() ?? null, raws[2 * i + 1] ?? null));
    },
    queueSetParts,
  };
}
