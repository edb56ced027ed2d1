import { accountId } from '@xmargin/core';
import { createRedisConnection } from '@xmargin/jobs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkConsistency } from '../margin/consistency-check.js';
import type { MarginView } from '../margin/margin-cache.js';
import { nearLiquidationPriority } from '../margin/near-liquidation.js';
import { packMarks } from '../margin/packed.js';
import { createEventLogHub, type EventLogHub } from '../stream/event-log.js';
import { marketData, positions, seedBalance, waitFor } from '../test-support/fixtures.js';
import { REDIS_URL_TEST, startTestEngine, type TestEngine } from '../test-support/harness.js';

// One engine process (API + worker) on real Redis and Postgres: events applied once, replays that
// change nothing, reconciliation of changes whose events were lost, and the consistency check.
let t: TestEngine;
let hub: EventLogHub<{ accountId: string }>;
const published: string[] = [];
const ids = Array.from({ length: 12 }, (_, i) => `acc_own_${i}`);

async function putMarket(spotFactor: number) {
  const md = marketData();
  await t.engine.context.store.transaction(async (tx) => {
    await tx.marketData.put({ kind: 'stable', key: 'stable', doc: md.stable });
    for (const [key, doc] of Object.entries(md.prices)) await tx.marketData.put({ kind: 'price', key, doc });
    for (const [key, doc] of Object.entries(md.markets))
      await tx.marketData.put({ kind: 'market', key, doc: { ...doc, spot: doc.spot * spotFactor } });
  });
}

const consistent = async () =>
  (await checkConsistency({ store: t.engine.context.store, cache: t.engine.context.marginCache }, ids))
    .length === 0
    ? true
    : undefined;

/** Each account's near-liquidation rank, as indexed and as its view's summary gives it. */
const ranks = async () => {
  const { redis, keys, marginCache } = t.engine.context;
  const views = await marginCache.getViews(ids);
  const indexed = await Promise.all(ids.map((id) => redis.zscore(keys.nearLiquidation, id)));
  return {
    indexed: indexed.map(Number),
    fromViews: views.map((v) => nearLiquidationPriority({ summary: v!.summary, hasAssets: true })),
  };
};

beforeAll(async () => {
  t = await startTestEngine('owner', {
    role: 'all',
    env: { SHARDS: '4', RECONCILE_EVERY_MS: '0', CONSISTENCY_CHECK_EVERY_MS: '0' },
  });
  hub = await createEventLogHub(createRedisConnection(REDIS_URL_TEST), t.engine.context.keys.marginEvents);
  hub.subscribe(({ event }) => published.push(event.accountId));
  const { store, shardEvents } = t.engine.context;
  await putMarket(1);
  for (const [i, id] of ids.entries()) {
    await store.accounts.create({ id: accountId(id) });
    await store.positions.replace({
      protocol: 'proto_a',
      account: accountId(id),
      positions: positions(4 + i).map(({ id: positionId, ...doc }) => ({
        positionId,
        underlying: doc.underlying,
        doc,
      })),
    });
    await seedBalance(store, id, {
      chain: 'evm-devnet',
      asset: 'USDC',
      amount: 50_000_000_000n,
      decimals: 6,
    });
  }
  const seededAt = Date.now();
  await shardEvents.accountsChanged(ids, seededAt);
  await shardEvents.marketChanged(Date.now());
  await waitFor(consistent, 30_000);
  // Every seeding event applied (the owner re-applies its shards' recent events after loading them).
  await waitFor(async () =>
    (await t.engine.context.marginCache.getViews(ids)).every((v) => v && v.requestedAt >= seededAt)
      ? true
      : undefined,
  );
}, 60_000);

afterAll(async () => {
  await hub.close();
  await t.close();
});

const views = () => t.engine.context.marginCache.getViews(ids);
const historyRows = async () => {
  const { rows } = await t.engine.context.store.db.query<{ n: string }>(
    'SELECT count(*)::text AS n FROM margin_snapshots',
  );
  return Number(rows[0]?.n);
};

// Events that reach the owner in one batch (the usual case on a loaded machine): a replayed account
// event beside a newer market event must not be acknowledged with the market event's time.
it('applies an account event once: a replay, a duplicate or a market event with unchanged data changes nothing', async () => {
  const before = await views();
  const rows = await historyRows();
  published.length = 0;
  const { shardEvents } = t.engine.context;
  // Replays carry the original acceptance time (here: older than every view's).
  for (let i = 0; i < 3; i++) await shardEvents.accountsChanged(ids, 1);
  await shardEvents.marketChanged(Date.now());
  await shardEvents.paramsChanged(Date.now());
  // A marker event behind them: once its account is republished, the replays were all applied.
  await t.engine.context.store.positions.upsert({
    protocol: 'proto_b',
    account: accountId('acc_own_0'),
    position: {
      positionId: 'marker',
      underlying: 'SOL',
      doc: { type: 'perp', underlying: 'SOL', quantity: 1, entryPrice: 150 },
    },
  });
  const markerAt = Date.now();
  await shardEvents.accountsChanged(['acc_own_0'], markerAt);
  await waitFor(async () =>
    (await t.engine.context.marginCache.getView('acc_own_0'))!.requestedAt >= markerAt ? true : undefined,
  );
  const after = await views();
  expect(after.slice(1).map((v) => v?.computedAt)).toEqual(before.slice(1).map((v) => v?.computedAt));
  // Only the marker's account: once, or twice when a replay batch already read its new position.
  expect([...new Set(published)]).toEqual(['acc_own_0']);
  expect(await historyRows()).toBeLessThanOrEqual(rows + 1);
});

it('reconciliation finds and fixes every account whose cached margin is older than its inputs (events lost)', async () => {
  const { store } = t.engine.context;
  // Ledger and market data change, and no event is ever sent (as if Redis lost them).
  await store.positions.upsert({
    protocol: 'proto_b',
    account: accountId('acc_own_3'),
    position: {
      positionId: 'lost',
      underlying: 'ETH',
      doc: { type: 'perp', underlying: 'ETH', quantity: -3, entryPrice: 2000 },
    },
  });
  await putMarket(0.9);
  expect(await consistent()).toBeUndefined();
  const reloaded = await t.engine.shardOwner!.reconcile();
  expect(reloaded).toBe(ids.length);
  expect(await consistent()).toBe(true);
});

it('the consistency check compares a random sample with computeMargin and repairs what differs', async () => {
  const { redis, keys, marginCache } = t.engine.context;
  expect(await t.engine.maintenance!.checkSample()).toEqual([]);
  // A cached view gone wrong behind the owner's back.
  const good = (await marginCache.getView('acc_own_5')) as MarginView;
  await redis.set(
    keys.marginViewMark('acc_own_5'),
    packMarks([{ ...good, summary: { ...good.summary!, equity: good.summary!.equity + 1_000 } }]),
  );
  const found = await t.engine.maintenance!.checkSample();
  expect(found).toEqual([expect.objectContaining({ accountId: 'acc_own_5', reason: 'summary' })]);
  expect((await marginCache.getView('acc_own_5'))?.summary).toEqual(good.summary);
  expect(await t.engine.maintenance!.checkSample()).toEqual([]);
});

it('a market move rewrites only the views mark parts; once Redis lost the views, every view is rewritten whole', async () => {
  const { redis, keys, shardEvents, marginCache } = t.engine.context;
  // The ledger parts in another (equivalent) spelling: a part the owner rewrites is back to compact JSON.
  const spelled = async () =>
    Promise.all(ids.map(async (id) => ((await redis.get(keys.marginViewLedger(id))) ?? '').includes('\n')));
  for (const id of ids) {
    const raw = (await redis.get(keys.marginViewLedger(id)))!;
    await redis.set(keys.marginViewLedger(id), JSON.stringify(JSON.parse(raw), null, 1));
  }
  const before = await ranks();
  expect(before.indexed).toEqual(before.fromViews);
  const movedAt = Date.now();
  await putMarket(1.03);
  await shardEvents.marketChanged(movedAt);
  await waitFor(async () =>
    (await marginCache.getViews(ids)).every((v) => v && v.computedAt >= movedAt) ? true : undefined,
  );
  expect(await consistent()).toBe(true);
  expect(await spelled()).toEqual(ids.map(() => true));
  // The index follows the move (a rank the move left unchanged is not written again).
  const moved = await ranks();
  expect(moved.indexed).toEqual(moved.fromViews);
  expect(moved.indexed).not.toEqual(before.indexed);

  // Redis loses every view (and the worker's epoch key) behind the owner's back.
  await redis.del(...ids.flatMap((id) => [keys.marginViewLedger(id), keys.marginViewMark(id)]));
  await redis.del(keys.viewsEpoch(t.engine.shardOwner!.leases.workerId));
  expect((await marginCache.getViews(ids)).every((v) => v === null)).toBe(true);
  await putMarket(1.01);
  await shardEvents.marketChanged(Date.now());
  await waitFor(consistent, 30_000);
  expect(await spelled()).toEqual(ids.map(() => false));
  expect(await redis.exists(keys.viewsEpoch(t.engine.shardOwner!.leases.workerId))).toBe(1);
});
