import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis-keys.js';

export interface ShardOwnership {
  /** Unix ms of the read. */
  readonly at: number;
  readonly shardCount: number;
  /** Live workers (heartbeat within a lease), with the shards each owns. */
  readonly workers: { id: string; heartbeatAt: number; shards: number[] }[];
  readonly shards: {
    shard: number;
    /** Worker id holding the lease; null while the shard is free (between owners). */
    owner: string | null;
    /** Unix ms the lease expires unless renewed; null when free. */
    leaseExpiresAt: number | null;
    /** Entries in the shard's event stream (capped, approximately). */
    events: number;
    /** Unix ms of the newest event (from its stream id); null when the stream is empty. */
    lastEventAt: number | null;
  }[];
}

/**
 * Who owns which shard, read from the leases in Redis (shard-leases.ts), with each shard's event
 * stream length and newest event time: one pipeline, a few commands per shard. Read-only.
 */
export async function readShardOwnership(
  redis: Redis,
  keys: Pick<RedisKeys, 'shardLease' | 'shardEvents' | 'workers'>,
  shardCount: number,
  now: () => number,
): Promise<ShardOwnership> {
  const pipeline = redis.pipeline();
  pipeline.zrange(keys.workers, 0, -1, 'WITHSCORES');
  for (let s = 0; s < shardCount; s++) {
    pipeline.get(keys.shardLease(s));
    pipeline.pttl(keys.shardLease(s));
    pipeline.xlen(keys.shardEvents(s));
    pipeline.xrevrange(keys.shardEvents(s), '+', '-', 'COUNT', 1);
  }
  const at = now();
  const replies = (await pipeline.exec()) ?? [];
  const value = (i: number): unknown => {
    const [err, v] = replies[i] ?? [null, null];
    if (err) throw err;
    return v;
  };
  const workerList = (value(0) as string[]) ?? [];
  const workers = new Map<string, { id: string; heartbeatAt: number; shards: number[] }>();
  for (let i = 0; i + 1 < workerList.length; i += 2) {
    const id = workerList[i]!;
    workers.set(id, { id, heartbeatAt: Number(workerList[i + 1]), shards: [] });
  }
  const shards: ShardOwnership['shards'] = [];
  for (let s = 0; s < shardCount; s++) {
    const base = 1 + s * 4;
    const owner = (value(base) as string | null) ?? null;
    const ttl = Number(value(base + 1));
    const last = value(base + 3) as [string, string[]][];
    const lastId = last[0]?.[0];
    shards.push({
      shard: s,
      owner,
      leaseExpiresAt: owner !== null && ttl >= 0 ? at + ttl : null,
      events: Number(value(base + 2)),
      lastEventAt: lastId === undefined ? null : Number(lastId.split('-')[0]),
    });
    if (owner !== null) {
      const w = workers.get(owner) ?? { id: owner, heartbeatAt: 0, shards: [] };
      w.shards.push(s);
      workers.set(owner, w);
    }
  }
  return { at, shardCount, workers: [...workers.values()], shards };
}
