import type { Redis } from 'ioredis';
import type { RedisKeys } from '../redis-keys.js';

export interface ShardLeasesParameters {
  readonly redis: Redis;
  readonly keys: Pick<RedisKeys, 'shardLease' | 'workers'>;
  /** Unique per process (host, pid and a random part). */
  readonly workerId: string;
  readonly shards: number;
  /** A lease not renewed for this long expires and another worker takes the shard over. */
  readonly leaseMs: number;
  /** Shards just leased: the owner loads them before they count as held. Rejecting releases them. */
  readonly onAcquired: (shards: readonly number[]) => Promise<void>;
  /** Shards no longer held (lease lost, expired locally, or handed to a newer worker). */
  readonly onLost: (shards: readonly number[]) => void;
  /** A failed round (Redis unreachable): reported, and the next round retries. */
  readonly onError: (err: unknown) => void;
  /** Unix ms (tests pin it). */
  readonly now?: () => number;
}

/** Leases this process holds on shards, renewed by `tick` (run every third of the lease time). */
export interface ShardLeases {
  readonly workerId: string;
  held(): ReadonlySet<number>;
  /** True while the lease is held and still valid by this process's clock. */
  holds(shard: number): boolean;
  /** Heartbeat, renew, rebalance, acquire: one round. Never rejects (a failed round is retried). */
  tick(): Promise<void>;
  /** Starts ticking every leaseMs / 3. */
  start(): void;
  /** Stops ticking and releases every lease so other workers take over at once. */
  stop(): Promise<void>;
}

// Renews the caller's leases; returns, per key, 1 when renewed and 0 when it was not the owner.
const RENEW = `
local out = {}
for i, k in ipairs(KEYS) do
  if redis.call('GET', k) == ARGV[1] then
    redis.call('PEXPIRE', k, ARGV[2])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`;
const RELEASE = `
local n = 0
for _, k in ipairs(KEYS) do
  if redis.call('GET', k) == ARGV[1] then
    redis.call('DEL', k)
    n = n + 1
  end
end
return n
`;

/**
 * Shard ownership through Redis leases. Each live worker aims at ceil(shards / live workers) shards:
 * it takes free ones (SET NX PX) and hands back any above its share, so a new worker gets shards
 * within one round and a dead worker's shards are free once its leases expire (at most `leaseMs`).
 * A lease is held only while renewed: when a renewal fails or finds another owner, or the local clock
 * passes the last renewal plus the lease time, the shard is dropped (`onLost`) before anyone else can
 * have taken it over.
 */
export function createShardLeases(p: ShardLeasesParameters): ShardLeases {
  const now = p.now ?? Date.now;
  // Shard -> local deadline (unix ms) after which the lease may have expired in Redis.
  const held = new Map<number, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  // A worker-specific order of the shards, so workers starting together do not all race for shard 0.
  let seed = 0;
  for (const ch of p.workerId) seed = (Math.imul(seed, 31) + ch.charCodeAt(0)) >>> 0;
  const order = Array.from({ length: p.shards }, (_, i) => (i + seed) % p.shards);

  function lose(shards: number[]) {
    if (shards.length === 0) return;
    for (const s of shards) held.delete(s);
    p.onLost(shards);
  }

  async function round(): Promise<void> {
    const start = now();
    const deadline = start + p.leaseMs - Math.max(50, p.leaseMs / 10);
    // Expired locally (e.g. the previous rounds failed): drop before anything else.
    lose([...held].filter(([, until]) => until <= start).map(([s]) => s));

    await p.redis
      .multi()
      .zadd(p.keys.workers, start, p.workerId)
      .zremrangebyscore(p.keys.workers, '-inf', start - p.leaseMs)
      .exec();
    const live = Math.max(1, await p.redis.zcard(p.keys.workers));

    const mine = [...held.keys()];
    if (mine.length > 0) {
      const renewed = (await p.redis.eval(
        RENEW,
        mine.length,
        ...mine.map((s) => p.keys.shardLease(s)),
        p.workerId,
        String(p.leaseMs),
      )) as number[];
      const lost: number[] = [];
      mine.forEach((s, i) => {
        if (renewed[i] === 1) held.set(s, deadline);
        else lost.push(s);
      });
      lose(lost);
    }

    const share = Math.ceil(p.shards / live);
    if (held.size > share) {
      const extra = [...held.keys()].sort((a, b) => b - a).slice(0, held.size - share);
      lose(extra);
      await p.redis.eval(RELEASE, extra.length, ...extra.map((s) => p.keys.shardLease(s)), p.workerId);
      return;
    }
    if (held.size === share) return;
    const owners = await p.redis.mget(...order.map((s) => p.keys.shardLease(s)));
    const free = order.filter((_, i) => owners[i] === null).slice(0, share - held.size);
    if (free.length === 0) return;
    const tx = p.redis.multi();
    for (const s of free) tx.set(p.keys.shardLease(s), p.workerId, 'PX', p.leaseMs, 'NX');
    const replies = (await tx.exec()) ?? [];
    const won = free.filter((_, i) => replies[i]?.[1] === 'OK');
    if (won.length === 0) return;
    // Loading a shard can outlast the lease (a large shard on a busy machine): keep the new leases alive
    // meanwhile, or they would expire and be dropped right after the load, and loaded again, forever.
    // The shards already held are renewed too: no other round runs until this one ends.
    const keepAlive = setInterval(
      () => {
        const all = [...held.keys(), ...won];
        const at = now() + p.leaseMs - Math.max(50, p.leaseMs / 10);
        void (
          p.redis.eval(
            RENEW,
            all.length,
            ...all.map((s) => p.keys.shardLease(s)),
            p.workerId,
            String(p.leaseMs),
          ) as Promise<number[]>
        )
          .then((renewed) =>
            all.forEach((s, i) => {
              if (renewed[i] === 1 && held.has(s)) held.set(s, at);
            }),
          )
          .catch(p.onError);
      },
      Math.max(20, Math.floor(p.leaseMs / 3)),
    );
    try {
      await p.onAcquired(won);
    } catch {
      await p.redis.eval(RELEASE, won.length, ...won.map((s) => p.keys.shardLease(s)), p.workerId);
      return;
    } finally {
      clearInterval(keepAlive);
    }
    // Renew once more now and keep only those still ours (a renewal may have failed meanwhile).
    const renewed = (await p.redis.eval(
      RENEW,
      won.length,
      ...won.map((s) => p.keys.shardLease(s)),
      p.workerId,
      String(p.leaseMs),
    )) as number[];
    const at = now() + p.leaseMs - Math.max(50, p.leaseMs / 10);
    const kept = won.filter((_, i) => renewed[i] === 1);
    for (const s of kept) held.set(s, at);
    const gone = won.filter((_, i) => renewed[i] !== 1);
    if (gone.length > 0) p.onLost(gone);
  }

  const leases: ShardLeases = {
    workerId: p.workerId,
    held: () => new Set([...held].filter(([, until]) => until > now()).map(([s]) => s)),
    holds: (shard) => (held.get(shard) ?? 0) > now(),
    tick() {
      running ??= round()
        .catch(p.onError)
        .finally(() => {
          running = undefined;
        });
      return running;
    },
    start() {
      if (timer) return;
      void leases.tick();
      timer = setInterval(() => void leases.tick(), Math.max(20, Math.floor(p.leaseMs / 3)));
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
      const mine = [...held.keys()];
      lose(mine);
      await p.redis.zrem(p.keys.workers, p.workerId).catch(() => undefined);
      if (mine.length > 0)
        await p.redis
          .eval(RELEASE, mine.length, ...mine.map((s) => p.keys.shardLease(s)), p.workerId)
          .catch(() => undefined);
    },
  };
  return leases;
}
