import { createRedisConnection } from '@xmargin/jobs';
import { createRiskBook, type Market, resolveParams } from '@xmargin/risk';
import { Command, type Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { redisKeys } from '../redis-keys.js';
import { logSideKeys, readEventsAfter } from '../stream/event-log.js';
import type { MarginEvent } from '../stream/margin-events.js';
import { marketData, memoryResident } from '../test-support/fixtures.js';
import { REDIS_URL_TEST } from '../test-support/harness.js';
import { createMarginCache, type MarginCache } from './margin-cache.js';
import {
  type PublishedAccount,
  type PublishMarginsParameters,
  publishedAccount,
  publishMargins,
} from './publish-margins.js';
import type { MarginSummary } from './snapshot.js';

// publishMargins on real Redis with a book larger than one slice (2,000 accounts): every view and event
// is written, the log keeps the accounts' order across slices, and a slice Redis refuses leaves the
// others published and recorded, so a retry writes only what is missing.
const N = 4_500;
const keys = redisKeys(`test-publish-${Math.random().toString(16).slice(2, 8)}`);
const md = marketData();
const asOf = Math.floor(Date.now() / 1000);
const params = { preset: 'pmrm-v1-mainnet' } as const;
/** One resolved form, as an owner keeps it while the parameters do not change. */
const warningParams = resolveParams(params);
let redis: Redis;
let cache: MarginCache;

const residents = Array.from({ length: N }, (_, i) => memoryResident(`acc_pub_${i}`, i, 2 + (i % 3), asOf));
const book = createRiskBook(
  { asOf, params, ...md },
  residents.map((r) => [r.id, r.account] as const),
);

/** One record per account, as an owner keeps them. */
const records = () => residents.map((r) => publishedAccount(r));

const publish = (state: readonly PublishedAccount[], over: Partial<PublishMarginsParameters> = {}) =>
  publishMargins({
    redis,
    keys,
    cache,
    history: { push: () => undefined },
    policy: { tolerance: 0.01, everySeconds: 3_600 },
    thresholds: [],
    eventLogMaxLen: 100_000,
    now: () => Date.now(),
    asOf,
    paramsVersion: 1,
    warningParams,
    book,
    accounts: state,
    changedAt: 1,
    ...over,
  });

/** A publish whose second slice carries a command Redis refuses (WRONGTYPE on a string key). */
async function publishRefusingSecondSlice(state: readonly PublishedAccount[]): Promise<void> {
  const poison = `${keys.marginEvents}:poison`;
  await redis.set(poison, 'x');
  let calls = 0;
  const failing: Pick<MarginCache, 'queueSetParts'> = {
    queueSetParts(batch, ids, texts) {
      cache.queueSetParts(batch, ids, texts);
      if (++calls === 2) batch.sendCommand(new Command('hset', [poison, 'f', 'v']));
    },
  };
  await expect(publish(state, { cache: failing })).rejects.toThrow(/WRONGTYPE/);
  await redis.del(poison);
}

const logged = async () => {
  const out: MarginEvent[] = [];
  for await (const page of readEventsAfter<MarginEvent>(redis, keys.marginEvents, '0-0', 5_000))
    out.push(...page.map((e) => e.event));
  return out;
};

beforeAll(() => {
  redis = createRedisConnection(REDIS_URL_TEST);
  cache = createMarginCache(redis, keys);
});
afterAll(async () => {
  for (let i = 0; i < N; i += 1_000)
    await redis.del(
      ...residents
        .slice(i, i + 1_000)
        .flatMap((r) => [keys.marginViewLedger(r.id), keys.marginViewMark(r.id)]),
    );
  await redis.del(
    keys.marginEvents,
    ...logSideKeys(keys.marginEvents),
    keys.marginAlerts,
    keys.nearLiquidation,
    keys.uncomputable,
  );
  redis.disconnect();
});

it('publishes a book over several slices: every view readable, one event per account, in order', async () => {
  const state = records();
  expect(await publish(state)).toBe(N);
  const views = await cache.getViews(residents.map((r) => r.id));
  expect(views.every((v, i) => v?.accountId === residents[i]!.id && v.summary !== null)).toBe(true);
  expect(views.map((v) => v?.summary)).toEqual(state.map((a) => a.view?.summary));
  const events = await logged();
  expect(events.map((e) => e.accountId)).toEqual(residents.map((r) => r.id));
  // Nothing changed: nothing is written again.
  expect(await publish(state)).toBe(0);
  expect((await logged()).length).toBe(N);
});

it('a slice Redis refuses leaves the others published and recorded; the retry publishes that slice', async () => {
  book.updateMarket({ markets: { ETH: { ...md.markets.ETH, spot: md.markets.ETH.spot * 1.02 } as Market } });
  const state = records();
  const old = await cache.getViews(residents.map((r) => r.id));
  old.forEach((v, i) => {
    if (v) state[i]!.view = v;
  });
  const before = (await logged()).length;
  await publishRefusingSecondSlice(state);
  // Recorded as published: the first and third slices; the second still holds its old views.
  const second = residents.slice(2_000, 4_000).map((r) => r.id);
  const inSecond = new Set(second);
  for (const [i, a] of state.entries())
    expect(a.view === old[i], a.resident.id).toBe(inSecond.has(a.resident.id));
  // What the refused slice wrote is not known: its views' next publish writes both parts.
  for (const a of state) expect(a.written !== undefined, a.resident.id).toBe(!inSecond.has(a.resident.id));
  // The log holds the three slices in order (a refused pipeline's other commands still ran).
  expect((await logged()).slice(before).map((e) => e.accountId)).toEqual(residents.map((r) => r.id));
  // The retry publishes exactly the refused slice; then every view is the book's.
  expect(await publish(state)).toBe(second.length);
  expect((await logged()).slice(before + N).map((e) => e.accountId)).toEqual(second);
  const views = await cache.getViews(residents.map((r) => r.id));
  expect(views.map((v) => v?.summary)).toEqual(
    residents.map((r) => (book.get(r.id) as { summary: unknown }).summary),
  );
});

it('a move updates the views in place once published; its events carry the summaries before', async () => {
  const state = records();
  expect(await publish(state)).toBe(N);
  const objects = state.map((a) => a.view);
  const before = state.map((a) => ({ ...a.view!.summary! }));
  const summaryOf = (id: string) => (book.get(id) as { summary: MarginSummary }).summary;
  book.updateMarket({ markets: { ETH: { ...md.markets.ETH, spot: md.markets.ETH.spot * 1.03 } as Market } });
  const logStart = (await logged()).length;
  // The second slice refused: its views keep the figures before, the others take the move's.
  await publishRefusingSecondSlice(state);
  const inSecond = (i: number) => i >= 2_000 && i < 4_000;
  state.forEach((a, i) => {
    const id = a.resident.id;
    // The same objects, updated in place; never the book's own summary.
    expect(a.view).toBe(objects[i]);
    expect(a.view!.summary).not.toBe(summaryOf(id));
    expect(a.view!.summary, id).toEqual(inSecond(i) ? before[i] : summaryOf(id));
    expect(a.written === undefined, id).toBe(inSecond(i));
  });
  // The retry publishes the refused slice (both parts: what it wrote is unknown); Redis has the move.
  expect(await publish(state)).toBe(2_000);
  const views = await cache.getViews(state.map((a) => a.resident.id));
  expect(views.map((v) => v?.summary)).toEqual(state.map((a) => summaryOf(a.resident.id)));
  expect(views.map((v) => v?.summary)).toEqual(state.map((a) => a.view?.summary));
  // Every event of the move (the refused slice's were appended too, then the retry's): the summary
  // published before as `previous`, the book's as `summary`.
  const index = new Map(state.map((a, i) => [a.resident.id, i]));
  const events = (await logged()).slice(logStart);
  expect(events.length).toBe(N + 2_000);
  for (const e of events) {
    const i = index.get(e.accountId)!;
    expect(e.type === 'margin' && e.previous, e.accountId).toEqual(before[i]);
    expect(e.summary).toEqual(summaryOf(e.accountId));
  }
});

it('an account no longer held (its shard lost, the account gone) is not written', async () => {
  const state = records();
  const gone = state[7]!;
  gone.held = false;
  const [before] = await cache.getViews([gone.resident.id]);
  expect(await publish(state, { now: () => before!.computedAt + 1_000 })).toBe(N - 1);
  const [after, other] = await cache.getViews([gone.resident.id, state[8]!.resident.id]);
  expect(after).toEqual(before);
  expect(other?.computedAt).toBe(before!.computedAt + 1_000);
  expect(gone.view).toBeUndefined();
});

it('warnings follow asOf: a move reuses the last ones, a balance gone stale is warned about', async () => {
  const state = records();
  expect(await publish(state)).toBe(N);
  expect(state.every((a) => a.view?.warnings.length === 0)).toBe(true);
  const first = state.map((a) => a.written);
  // A move (asOf unchanged): the same written records, warnings not made again.
  book.updateMarket({ markets: { ETH: { ...md.markets.ETH, spot: md.markets.ETH.spot * 0.97 } as Market } });
  expect(await publish(state)).toBe(N);
  expect(state.every((a, i) => a.written === first[i])).toBe(true);
  // asOf past the balances' age limit: they count at zero, and every view says why.
  const later = asOf + warningParams.collateralMaxAgeSeconds! + 1;
  book.updateMarket({ asOf: later });
  expect(await publish(state, { asOf: later })).toBe(N);
  const views = await cache.getViews(state.map((a) => a.resident.id));
  expect(views.every((v) => v?.warnings.map((w) => w.code).join() === 'COLLATERAL_STALE')).toBe(true);
  expect(views.every((v) => v?.asOf === later)).toBe(true);
});

it('a slice that fails while its commands are queued rejects and keeps its views; the retry publishes it', async () => {
  const state = records();
  expect(await publish(state)).toBe(N);
  const objects = state.map((a) => a.view);
  const before = state.map((a) => ({ ...a.view!.summary! }));
  book.updateMarket({ markets: { ETH: { ...md.markets.ETH, spot: md.markets.ETH.spot * 0.955 } as Market } });
  let calls = 0;
  const throwing: Pick<MarginCache, 'queueSetParts'> = {
    queueSetParts(batch, ids, texts) {
      cache.queueSetParts(batch, ids, texts);
      if (++calls === 2) throw new Error('queueing failed');
    },
  };
  await expect(publish(state, { cache: throwing })).rejects.toThrow('queueing failed');
  const summaryOf = (id: string) => (book.get(id) as { summary: MarginSummary }).summary;
  state.forEach((a, i) => {
    const second = i >= 2_000 && i < 4_000;
    expect(a.view, a.resident.id).toBe(objects[i]);
    // The failed slice keeps the figures from before and its written parts unknown; the others (the
    // third was built while the second's commands were answered) were published.
    expect(a.view!.summary, a.resident.id).toEqual(second ? before[i] : summaryOf(a.resident.id));
    expect(a.written === undefined, a.resident.id).toBe(second);
  });
  // The retry publishes the second slice; Redis then holds the move for every account.
  expect(await publish(state)).toBe(2_000);
  const views = await cache.getViews(state.map((a) => a.resident.id));
  expect(views.map((v) => v?.summary)).toEqual(state.map((a) => summaryOf(a.resident.id)));
});

it("an account's requestedAt is the later of the batch's change time and its own acknowledged event", async () => {
  const state = records();
  const [first, second] = [state[0]!.resident.id, state[2_500]!.resident.id];
  const acknowledged = new Map([
    [first, 500],
    [second, 50],
  ]);
  expect(await publish(state, { changedAt: 100, acknowledged })).toBe(N);
  const views = await cache.getViews(state.map((a) => a.resident.id));
  expect(views.map((v) => v?.requestedAt)).toEqual(state.map((a) => (a.resident.id === first ? 500 : 100)));
  // Nothing changed since: only an account whose own event is newer than its view is republished.
  expect(
    await publish(state, {
      changedAt: 0,
      acknowledged: new Map([
        [second, 700],
        [first, 400],
      ]),
    }),
  ).toBe(1);
  expect((await cache.getView(second))?.requestedAt).toBe(700);
  expect((await cache.getView(first))?.requestedAt).toBe(500);
});
