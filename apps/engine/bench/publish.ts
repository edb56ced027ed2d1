import { constants, PerformanceObserver } from 'node:perf_hooks';
import { createRedisConnection } from '@xmargin/jobs';
import { createRiskBook, type Market, resolveParams } from '@xmargin/risk';
import type { Redis } from 'ioredis';
import { createMarginCache } from '../src/margin/margin-cache.js';
import { publishedAccount, publishMargins } from '../src/margin/publish-margins.js';
import { redisKeys } from '../src/redis-keys.js';
import { marketData, memoryResident } from '../src/test-support/fixtures.js';

/**
 * `publish` section: the CPU one worker spends publishing its share of a market move (the views' mark
 * parts, the near-liquidation ranks and the margin events of every exposed account, to real Redis), in
 * this process alone: `market-move` measures the whole engine, whose CPU figures move by a third with
 * the shared machine's load; this one varies by a few percent between runs. No Postgres: the accounts
 * are built in memory (10-20 positions and one balance each), their margins by a `packages/risk` book.
 */
export async function benchPublish(
  redisUrl: string,
  accounts: number,
  line: (label: string, value: string) => void,
): Promise<void> {
  const prefix = `bench-publish-${process.pid}`;
  const keys = redisKeys(prefix);
  const md = marketData();
  const asOf = Math.floor(Date.now() / 1000);
  const params = { preset: 'pmrm-v1-mainnet' } as const;
  const warningParams = resolveParams(params);
  const redis = createRedisConnection(redisUrl);
  const cache = createMarginCache(redis, keys);
  const held = Array.from({ length: accounts }, (_, i) =>
    publishedAccount(memoryResident(`acc_${String(i).padStart(7, '0')}`, i, 10 + (i % 11), asOf)),
  );
  const byId = new Map(held.map((a) => [a.resident.id, a]));
  const book = createRiskBook(
    { asOf, params, ...md },
    held.map(({ resident: r }) => [r.id, r.account] as const),
  );
  const publish = (ids: readonly string[], requestedAt: number) =>
    publishMargins({
      redis,
      keys,
      cache,
      history: { push: () => undefined },
      policy: { tolerance: 0.01, everySeconds: 3_600 },
      thresholds: [0],
      eventLogMaxLen: 4 * accounts,
      now: () => Date.now(),
      asOf,
      paramsVersion: 1,
      warningParams,
      changeToMargin: () => undefined,
      book,
      accounts: ids.map((id) => byId.get(id)!),
      changedAt: requestedAt,
    });
  try {
    await publish([...byId.keys()], 0); // both parts of every view, as after a takeover
    // ETH 1% up and back: two untimed moves (warm), then ten timed.
    // Redis's own CPU too (INFO cpu, the whole server: the figure includes whatever else it serves).
    const redisCpuUs = async () => {
      const info = await redis.info('cpu');
      const f = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? Number.NaN);
      return (f('used_cpu_user') + f('used_cpu_sys')) * 1e6;
    };
    const perAccount: number[] = [];
    const redisPerAccount: number[] = [];
    // BENCH_PUBLISH_MOVES (default 12) moves, the first two untimed.
    const moves = Number(process.env.BENCH_PUBLISH_MOVES ?? 12);
    // Full (mark-compact) collections during the timed moves: with 50,000 accounts one costs a worker
    // 300-400 ms, more than a move's publish.
    let fullCollections = 0;
    const gcs = new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR)
          fullCollections++;
    });
    for (let m = 0; m < moves; m++) {
      if (m === 2) gcs.observe({ entryTypes: ['gc'] });
      const spot = md.markets.ETH.spot * (m % 2 === 0 ? 1.01 : 1);
      const ids = book.updateMarket({ markets: { ETH: { ...md.markets.ETH, spot } as Market } });
      const redis0 = await redisCpuUs();
      const cpu = process.cpuUsage();
      await publish(ids, Date.now());
      const used = process.cpuUsage(cpu);
      const redisUsed = (await redisCpuUs()) - redis0;
      if (m >= 2) {
        perAccount.push((used.user + used.system) / ids.length);
        redisPerAccount.push(redisUsed / ids.length);
      }
    }
    // The observer is called asynchronously: the last move's collections are reported after it.
    await new Promise((resolve) => setImmediate(resolve));
    gcs.disconnect();
    const stats = (xs: number[]) => {
      xs.sort((a, b) => a - b);
      return `${xs[Math.floor(xs.length / 2)]!.toFixed(2)} us median of ${xs.length} moves (${xs[0]!.toFixed(2)}-${xs.at(-1)!.toFixed(2)})`;
    };
    line('publish: CPU per account of a move', `${stats(perAccount)}, ${accounts} accounts, one process`);
    line('publish: Redis CPU per account of a move', stats(redisPerAccount));
    line('publish: full collections during the moves', `${fullCollections} in ${perAccount.length} moves`);
  } finally {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
}

/** Deletes every key under `prefix:` (a bench's keys, once it is done). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5_000);
    if (found.length > 0) await redis.del(...found);
    cursor = next;
  } while (cursor !== '0');
}
