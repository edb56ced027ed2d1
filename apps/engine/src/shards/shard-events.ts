import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis-keys.js';
import { shardOf } from './shard-of.js';

/**
 * What a shard's owner applies to its book. Each is idempotent: applying it means re-reading the
 * current state from Postgres (the account's rows, or the market data and parameters), so a replay or
 * a duplicate changes nothing, and delivery needs only to be at least once.
 */
export type ShardEvent =
  | { readonly type: 'account'; readonly accountId: string; readonly requestedAt: number }
  | { readonly type: 'market'; readonly requestedAt: number }
  | { readonly type: 'params'; readonly requestedAt: number };

export interface ShardEventEntry {
  readonly shard: number;
  /** Stream entry id (`ms-seq`), the consumer's cursor. */
  readonly id: string;
  readonly event: ShardEvent;
}

// Per-shard streams are capped (approximately); an owner whose cursor fell behind the cap reloads the
// shard from Postgres instead of replaying (see `firstId`).
const MAX_LEN = 100_000;

export interface ShardEventPublisher {
  /** One event per account, on its shard's stream; returns the entry ids, in order. */
  accountsChanged(accountIds: readonly string[], requestedAt: number): Promise<string[]>;
  /** One event per shard (not per account): market data changed. Returns shard 0's entry id. */
  marketChanged(requestedAt: number): Promise<string>;
  /** One event per shard: the active risk parameters changed. */
  paramsChanged(requestedAt: number): Promise<string>;
}

const encode = (e: ShardEvent): string[] =>
  e.type === 'account'
    ? ['t', 'a', 'a', e.accountId, 'r', String(e.requestedAt)]
    : ['t', e.type[0]!, 'r', String(e.requestedAt)];

export function createShardEventPublisher(
  redis: Redis,
  keys: Pick<RedisKeys, 'shardEvents'>,
  shards: number,
): ShardEventPublisher {
  async function addAll(items: readonly { shard: number; event: ShardEvent }[]): Promise<string[]> {
    if (items.length === 0) return [];
    const pipeline = redis.pipeline();
    for (const { shard, event } of items)
      pipeline.xadd(keys.shardEvents(shard), 'MAXLEN', '~', String(MAX_LEN), '*', ...encode(event));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, id]) => {
      if (err) throw err;
      return String(id);
    });
  }
  const everyShard = (event: ShardEvent) => Array.from({ length: shards }, (_, shard) => ({ shard, event }));
  return {
    accountsChanged: (ids, requestedAt) =>
      addAll(
        ids.map((accountId) => ({
          shard: shardOf(accountId, shards),
          event: { type: 'account', accountId, requestedAt },
        })),
      ),
    marketChanged: async (requestedAt) =>
      (await addAll(everyShard({ type: 'market', requestedAt })))[0] ?? '',
    paramsChanged: async (requestedAt) =>
      (await addAll(everyShard({ type: 'params', requestedAt })))[0] ?? '',
  };
}

/** Decodes a stream entry's field list; undefined for anything this release did not write. */
export function decodeShardEvent(fields: readonly string[]): ShardEvent | undefined {
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
  const requestedAt = Number(f.get('r'));
  if (!Number.isSafeInteger(requestedAt) || requestedAt < 0) return undefined;
  switch (f.get('t')) {
    case 'a': {
      const accountId = f.get('a');
      return accountId ? { type: 'account', accountId, requestedAt } : undefined;
    }
    case 'm':
      return { type: 'market', requestedAt };
    case 'p':
      return { type: 'params', requestedAt };
    default:
      return undefined;
  }
}

/** The id of the newest entry of a shard's stream ('0-0' when empty): where a new owner starts reading. */
export async function lastEventId(
  redis: Redis,
  keys: Pick<RedisKeys, 'shardEvents'>,
  shard: number,
): Promise<string> {
  const [last] = await redis.xrevrange(keys.shardEvents(shard), '+', '-', 'COUNT', 1);
  return last?.[0] ?? '0-0';
}

/** The oldest entry still in the stream (undefined when empty): a cursor before it missed trimmed events. */
export async function firstEventId(
  redis: Redis,
  keys: Pick<RedisKeys, 'shardEvents'>,
  shard: number,
): Promise<string | undefined> {
  const [first] = await redis.xrange(keys.shardEvents(shard), '-', '+', 'COUNT', 1);
  return first?.[0];
}

/** `a` < `b` for stream ids (`ms-seq`). */
export function streamIdBefore(a: string, b: string): boolean {
  const [am = '0', as = '0'] = a.split('-');
  const [bm = '0', bs = '0'] = b.split('-');
  const ams = BigInt(am);
  const bms = BigInt(bm);
  return ams < bms || (ams === bms && BigInt(as) < BigInt(bs));
}

/**
 * Blocks up to `blockMs` for entries after each shard's cursor (one XREAD over every given stream, on a
 * connection used for nothing else). Entries this release cannot decode are returned with no event so
 * the caller can step over them and report them.
 */
export async function readShardEvents(
  blocking: Redis,
  keys: Pick<RedisKeys, 'shardEvents'>,
  cursors: ReadonlyMap<number, string>,
  { count, blockMs }: { count: number; blockMs: number },
): Promise<{ shard: number; id: string; event: ShardEvent | undefined }[]> {
  if (cursors.size === 0) return [];
  const shards = [...cursors.keys()];
  const reply = (await blocking.xread(
    'COUNT',
    count,
    'BLOCK',
    blockMs,
    'STREAMS',
    ...shards.map((s) => keys.shardEvents(s)),
    ...shards.map((s) => cursors.get(s)!),
  )) as [string, [string, string[]][]][] | null;
  if (!reply) return [];
  const byKey = new Map(shards.map((s) => [keys.shardEvents(s), s]));
  const out: { shard: number; id: string; event: ShardEvent | undefined }[] = [];
  for (const [key, entries] of reply) {
    const shard = byKey.get(key);
    if (shard === undefined) continue;
    for (const [id, fields] of entries) out.push({ shard, id, event: decodeShardEvent(fields) });
  }
  return out;
}
