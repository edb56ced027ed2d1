import { accountId } from '@xmargin/core';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConsistency } from '../margin/consistency-check.js';
import { marketData, positions, putMarketData, seedBalance, waitFor } from '../test-support/fixtures.js';
import { bearer, DATABASE_URL_TEST, startTestEngine, type TestEngine } from '../test-support/harness.js';
import {
  type CuttableProxy,
  type PrivateRedis,
  startPrivateRedis,
  startProxy,
} from '../test-support/private-services.js';

// Outages must not leave margins wrong: Redis restarted EMPTY mid-run (a private redis-server; the shared
// one is never restarted) and a 12 s Postgres outage (a TCP proxy in front of Postgres, cut and restored).
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
});

async function seedBook(t: TestEngine, ids: readonly string[]) {
  const { store, shardEvents } = t.engine.context;
  await putMarketData(store);
  for (const [i, id] of ids.entries()) {
    await store.accounts.create({ id: accountId(id) });
    await store.positions.replace({
      protocol: 'proto_a',
      account: accountId(id),
      positions: positions(4 + (i % 6)).map(({ id: positionId, ...doc }) => ({
        positionId,
        underlying: doc.underlying,
        doc,
      })),
    });
    await seedBalance(store, id, {
      chain: 'evm-devnet',
      asset: 'USDC',
      amount: 40_000_000_000n,
      decimals: 6,
    });
  }
  // Written to the store directly, so the events an API write would send are sent here: the owner
  // may have read the (empty) market data before this seeding.
  await shardEvents.marketChanged(Date.now());
  await shardEvents.accountsChanged(ids, Date.now());
}

/** Every account's cached view equals a from-scratch computeMargin of the ledger (market data read now). */
const consistent = (t: TestEngine, ids: readonly string[]) => async () =>
  (await checkConsistency({ store: t.engine.context.store, cache: t.engine.context.marginCache }, ids))
    .length === 0
    ? true
    : undefined;

/** An ETH move of `factor` through the API, as an oracle would post it. */
async function moveEth(t: TestEngine, factor: number) {
  const eth = marketData().markets.ETH;
  const r = await t.engine.app!.inject({
    method: 'PUT',
    url: '/v1/market-data',
    headers: bearer(t.adminKey),
    payload: { markets: { ETH: { ...eth, spot: eth.spot * factor } } },
  });
  expect(r.statusCode).toBe(200);
}

describe('Redis restarted empty mid-run', () => {
  let redis: PrivateRedis;
  it('rebuilds the views, the index and the operators’ flags from Postgres; no wrong margin afterwards', async () => {
    redis = await startPrivateRedis();
    cleanup.push(() => redis.stop());
    const t = await startTestEngine('redisempty', {
      role: 'all',
      env: { REDIS_URL: redis.url, SHARDS: '4', SHARD_LEASE_MS: '1000', CONSISTENCY_CHECK_EVERY_MS: '0' },
    });
    cleanup.push(() => t.close());
    const ids = Array.from({ length: 40 }, (_, i) => `acc_re_${i}`);
    await seedBook(t, ids);
    await waitFor(consistent(t, ids), 60_000);

    await redis.restartEmpty();
    const { redis: conn, keys } = t.engine.context;
    // A price move right after the restart: the engine's writes reach the new, empty server.
    // (A ping while the connection reconnects is refused at once: wait through it.)
    await waitFor(async () => ((await conn.ping().catch(() => null)) === 'PONG' ? true : undefined));
    await moveEth(t, 0.7);
    await waitFor(consistent(t, ids), 60_000);
    for (const id of ids) {
      const r = await t.engine.app!.inject({
        method: 'GET',
        url: `/v1/accounts/${id}/margin`,
        headers: bearer(t.adminKey),
      });
      expect(r.json().status, id).toBe('ok');
    }
    expect(await conn.zcard(keys.nearLiquidation)).toBe(ids.length);
  }, 120_000);
});

describe('a 12 s Postgres outage', () => {
  let proxy: CuttableProxy;
  it('delays margins, retries with backoff, and leaves none wrong once Postgres is back', async () => {
    const target = new URL(DATABASE_URL_TEST);
    proxy = await startProxy({ host: target.hostname, port: Number(target.port || 5432) });
    cleanup.push(() => proxy.close());
    const api = await startTestEngine('pgcut', { role: 'api', env: { SHARDS: '4' } });
    cleanup.push(() => api.close());
    const proxied = new URL(DATABASE_URL_TEST);
    proxied.port = String(proxy.port);
    const worker = await startTestEngine('pgcut', {
      role: 'worker',
      share: { prefix: api.prefix, schema: api.schema },
      env: {
        DATABASE_URL: proxied.toString(),
        SHARDS: '4',
        EVENT_RETRY_MAX_MS: '2000',
        CONSISTENCY_CHECK_EVERY_MS: '0',
      },
    });
    cleanup.unshift(() => worker.close());
    const ids = Array.from({ length: 60 }, (_, i) => `acc_pg_${i}`);
    await seedBook(api, ids);
    await waitFor(consistent(api, ids), 120_000);

    // The protocol that reports the late position must hold a grant on the account (tenancy).
    await api.engine.context.store.grants.grant({
      account: 'acc_pg_7' as never,
      protocol: 'proto_b',
      grantedBy: 'admin:test',
    });
    await proxy.cut();
    await moveEth(api, 1.4);
    // A position change during the outage too.
    const r = await api.engine.app!.inject({
      method: 'POST',
      url: '/v1/accounts/acc_pg_7/positions',
      headers: bearer(await api.key('protocol', 'proto_b')),
      payload: {
        positions: [{ id: 'late', type: 'perp', underlying: 'ETH', quantity: -4, entryPrice: 2000 }],
      },
    });
    expect(r.statusCode).toBe(200);
    await new Promise((res) => setTimeout(res, 12_000));
    // Nothing could be applied meanwhile: the margins still show the old price.
    expect(await consistent(api, ids)()).toBeUndefined();
    await proxy.restore();
    await waitFor(consistent(api, ids), 120_000);
    expect((await api.engine.context.marginCache.getView('acc_pg_7'))?.inputHash).toBeDefined();
  }, 180_000);
});
