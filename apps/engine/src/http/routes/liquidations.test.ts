import { accountId } from '@xmargin/core';
import { computeMargin } from '@xmargin/risk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLiquidationBook } from '../../liquidation/load-liquidation-book.js';
import { floorShare } from '../../liquidation/split-ledger.js';
import { depositCash } from '../../liquidation/testing.js';
import {
  expiries,
  marketData,
  seedBalance,
  seedMarketAndAccount,
  waitForSnapshot,
} from '../../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../../test-support/harness.js';

// End to end on a real engine (Redis, Postgres, workers): a price shock puts an account below maintenance,
// the sweep starts a solvent auction, a liquidator bids over HTTP and the account is back above buffer
// margin; settlements, the position-transfer feed, the fund, metrics and the SSE stream show it.
let t: TestEngine;
let protocol: string;
const VICTIM = 'acc_victim';
const LIQUIDATOR = 'acc_liquidator';
const now = () => Math.floor(Date.now() / 1000);

const shocked = (factor: number) => {
  const md = marketData();
  const eth = md.markets.ETH;
  return {
    ...md,
    markets: {
      ...md.markets,
      ETH: {
        ...eth,
        spot: eth.spot * factor,
        perp: { ...eth.perp, price: eth.perp.price * factor },
        expiries: eth.expiries.map((e) => ({ ...e, forward: e.forward * factor })),
      },
    },
  };
};

async function exactFigures(markets?: ReturnType<typeof marketData>) {
  const book = await loadLiquidationBook(t.engine.context.store, accountId(VICTIM));
  const r = computeMargin({ ...book.document, ...(markets ?? {}), asOf: now() });
  return { mtm: r.equity, mm: r.maintenanceExcess };
}

beforeAll(async () => {
  t = await startTestEngine('liqhttp', { role: 'all', env: { LIQUIDATION_SWEEP_MS: '600000' } });
  await seedMarketAndAccount(t, VICTIM);
  protocol = await t.key('protocol', 'proto_a');
  const app = t.engine.app!;
  const [e1] = expiries();
  const since = Date.now();
  const res = await app.inject({
    method: 'POST',
    url: `/v1/accounts/${VICTIM}/positions`,
    headers: bearer(protocol),
    payload: {
      positions: [
        {
          id: 'calls',
          type: 'option',
          underlying: 'ETH',
          expiry: e1,
          strike: 2000,
          right: 'call',
          quantity: -10,
        },
      ],
    },
  });
  expect(res.statusCode).toBe(200);
  await seedBalance(t.engine.context.store, VICTIM, {
    chain: 'ethereum',
    asset: 'ETH',
    amount: 5n * 10n ** 17n,
    decimals: 18,
  });
  await waitForSnapshot(t.engine, VICTIM, since);
  // Cash between the two maintenance excesses: healthy now, below maintenance (MtM > 0) after a 12% rise.
  const before = await exactFigures();
  const after = await exactFigures(shocked(1.12));
  expect(after.mm).toBeLessThan(before.mm);
  const cash = (-before.mm - after.mm) / 2;
  expect(cash + after.mtm).toBeGreaterThan(0);
  await depositCash(t.engine.context.store, accountId(VICTIM), cash);
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('liquidation over HTTP, from a price shock to a settled auction', () => {
  it('no auction while healthy; the shock starts one; a liquidator bid settles it', async () => {
    const app = t.engine.app!;
    const sweeper = t.engine.liquidationSweeper!;
    await sweeper.tick();
    const none = await app.inject({
      method: 'GET',
      url: '/v1/liquidations?status=ongoing',
      headers: bearer(t.adminKey),
    });
    expect(none.json().auctions).toEqual([]);

    // SSE subscriber before anything happens.
    const base = await t.engine.listen(0);
    const stream = await fetch(`${base}/v1/stream/liquidations?accountId=${VICTIM}`, {
      headers: bearer(t.adminKey),
    });
    const reader = stream.body!.getReader();
    let streamed = '';
    const readUntil = async (text: string) => {
      const decoder = new TextDecoder();
      while (!streamed.includes(text)) {
        const { value, done } = await reader.read();
        if (done) break;
        streamed += decoder.decode(value);
      }
    };
    await readUntil(': connected');

    const since = Date.now();
    const shock = await app.inject({
      method: 'PUT',
      url: '/v1/market-data',
      headers: bearer(t.adminKey),
      payload: shocked(1.12),
    });
    expect(shock.statusCode).toBe(200);
    await waitForSnapshot(t.engine, VICTIM, since);
    const tick = await sweeper.tick();
    expect(tick?.failed).toEqual([]);
    const ongoing = await app.inject({
      method: 'GET',
      url: '/v1/liquidations?status=ongoing',
      headers: bearer(t.adminKey),
    });
    const [auction] = ongoing.json().auctions;
    expect(auction).toMatchObject({ accountId: VICTIM, kind: 'solvent', status: 'ongoing', sequence: 0 });
    await readUntil('event: started');

    const detail = await app.inject({
      method: 'GET',
      url: `/v1/liquidations/${auction.id}`,
      headers: bearer(t.adminKey),
    });
    expect(detail.statusCode).toBe(200);
    const live = detail.json().live;
    expect(live.price).toBeGreaterThan(0);
    expect(live.fmax).toBeGreaterThan(0);
    expect(live.mm).toBeLessThan(0);

    // The liquidator: its own account, funded, and a key that owns it.
    await app.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: bearer(protocol),
      payload: { accountId: LIQUIDATOR },
    });
    const credit = await app.inject({
      method: 'POST',
      url: `/v1/admin/accounts/${LIQUIDATOR}/cash-deposits`,
      headers: bearer(t.adminKey),
      payload: { amount: '1000000' },
    });
    expect(credit.statusCode).toBe(200);
    const liquidator = await t.key('liquidator', LIQUIDATOR);
    const other = await t.key('liquidator', 'acc_someone_else');
    const forbidden = await app.inject({
      method: 'POST',
      url: `/v1/liquidations/${auction.id}/bids`,
      headers: bearer(other),
      payload: { bidderAccountId: LIQUIDATOR, percent: 1 },
    });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('LIQUIDATION__NOT_BIDDER');
    const notLiquidator = await app.inject({
      method: 'POST',
      url: `/v1/liquidations/${auction.id}/bids`,
      headers: bearer(protocol),
      payload: { bidderAccountId: LIQUIDATOR, percent: 1 },
    });
    expect(notLiquidator.statusCode).toBe(403);

    const bid = () =>
      app.inject({
        method: 'POST',
        url: `/v1/liquidations/${auction.id}/bids`,
        headers: { ...bearer(liquidator), 'idempotency-key': 'take-it-all' },
        payload: { bidderAccountId: LIQUIDATOR, percent: 1, expectedSequence: 0 },
      });
    const res = await bid();
    expect(res.statusCode).toBe(200);
    const action = res.json();
    expect(action).toMatchObject({ accepted: true, kind: 'solvent', terminated: true, reason: null });
    expect(action.transitions).toEqual([{ type: 'terminated', kind: 'solvent', reason: 'MAX_FRACTION' }]);
    expect(action.postBM).toBeCloseTo(0, 6);
    // Replayed with the same Idempotency-Key: the same outcome, no second bid.
    const replay = await bid();
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(action);
    const late = await app.inject({
      method: 'POST',
      url: `/v1/liquidations/${auction.id}/bids`,
      headers: bearer(liquidator),
      payload: { bidderAccountId: LIQUIDATOR, percent: 0.5 },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('LIQUIDATION__NO_AUCTION');
    await readUntil('event: terminated');
    expect(streamed).toContain('event: bid');
    await reader.cancel();

    // The account is back above buffer margin (micro-unit rounding of the ledger aside).
    const figures = await exactFigures();
    expect(figures.mm + (figures.mm - figures.mtm) * auction.params.bufferPercent).toBeGreaterThan(-1e-3);

    const ended = await app.inject({
      method: 'GET',
      url: `/v1/accounts/${VICTIM}/liquidations`,
      headers: bearer(protocol),
    });
    expect(ended.json().auctions[0]).toMatchObject({
      id: auction.id,
      status: 'ended',
      endReason: 'MAX_FRACTION',
    });
    const settlements = await app.inject({
      method: 'GET',
      url: `/v1/liquidations/${auction.id}/settlements`,
      headers: bearer(liquidator),
    });
    const [seizure] = settlements.json().instructions;
    expect(seizure).toMatchObject({
      chain: 'ethereum',
      asset: 'ETH',
      kind: 'seizure',
      status: 'pending',
      from: VICTIM,
      to: LIQUIDATOR,
    });
    expect(BigInt(seizure.amountRaw)).toBe(floorShare(5n * 10n ** 17n, action.percentOfCurrent));
    // No settlement key in this engine: the seizure waits unsigned, and a submission cannot be reported.
    expect(seizure).toMatchObject({ authorisation: null, txHash: null, confirmedHeight: null });
    const report = (key: string) =>
      app.inject({
        method: 'POST',
        url: `/v1/liquidations/${auction.id}/settlements/${seizure.id}/submission`,
        headers: bearer(key),
        payload: { txHash: `0x${'ab'.repeat(32)}` },
      });
    const unsigned = await report(liquidator);
    expect(unsigned.statusCode, unsigned.body).toBe(409);
    expect(unsigned.json().error).toMatchObject({
      code: 'LIQUIDATION__SETTLEMENT_STATE',
      context: { status: 'pending', signed: false },
    });
    // Another liquidator does not see the instruction at all.
    expect((await report(other)).statusCode).toBe(404);
    const feed = await app.inject({
      method: 'GET',
      url: '/v1/liquidations/position-transfers',
      headers: bearer(protocol),
    });
    expect(feed.json().transfers).toMatchObject([
      { protocol: 'proto_a', fromAccountId: VICTIM, fromPositionId: 'calls', toAccountId: LIQUIDATOR },
    ]);
    expect(feed.json().transfers[0].quantity).toBeCloseTo(-10 * action.percentOfCurrent, 9);
    const fund = await app.inject({ method: 'GET', url: '/v1/insurance-fund', headers: bearer(liquidator) });
    expect(Number(fund.json().balance)).toBeGreaterThan(0);
    expect(fund.json().history[0]).toMatchObject({ kind: 'fee', auctionId: auction.id });
    // The console's auction timeline: every persisted event, oldest first (admin route).
    const events = await app.inject({
      method: 'GET',
      url: `/v1/admin/liquidations/${auction.id}/events`,
      headers: bearer(t.adminKey),
    });
    expect(events.statusCode).toBe(200);
    const types = events.json().events.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('started');
    expect(types).toContain('bid');
    expect(types.at(-1)).toBe('terminated');
    const noEvents = await app.inject({
      method: 'GET',
      url: '/v1/admin/liquidations/auc_nope/events',
      headers: bearer(t.adminKey),
    });
    expect(noEvents.statusCode).toBe(404);
    expect(
      (
        await app.inject({
          method: 'GET',
          url: `/v1/admin/liquidations/${auction.id}/events`,
          headers: bearer(liquidator),
        })
      ).statusCode,
    ).toBe(403);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('xmargin_liquidation_bids_total{outcome="accepted"} 1');
    expect(metrics.body).toContain('xmargin_liquidation_auctions_total{kind="solvent",event="started"} 1');
  }, 60_000);

  it('admin: insurance fund deposits and versioned, audited liquidation parameters', async () => {
    const app = t.engine.app!;
    const admin = bearer(t.adminKey);
    const dep = await app.inject({
      method: 'POST',
      url: '/v1/admin/insurance-fund/deposits',
      headers: admin,
      payload: { amount: '1000.5' },
    });
    expect(dep.statusCode).toBe(200);
    const fund = await app.inject({ method: 'GET', url: '/v1/insurance-fund', headers: admin });
    expect(fund.json().history[0]).toMatchObject({ kind: 'deposit', amount: '1000.5' });
    const bad = await app.inject({
      method: 'POST',
      url: '/v1/admin/liquidation-params',
      headers: admin,
      payload: { params: { preset: 'derive-test', overrides: { feePercent: 0.5 } } },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('$.params.overrides.feePercent');
    const proposed = await app.inject({
      method: 'POST',
      url: '/v1/admin/liquidation-params',
      headers: admin,
      payload: { params: { preset: 'derive-test' }, note: 'faster auctions' },
    });
    expect(proposed.statusCode).toBe(201);
    const version = proposed.json().version;
    const activated = await app.inject({
      method: 'POST',
      url: `/v1/admin/liquidation-params/${version}/activate`,
      headers: admin,
    });
    expect(activated.json()).toMatchObject({ version, status: 'active' });
    const list = await app.inject({ method: 'GET', url: '/v1/admin/liquidation-params', headers: admin });
    expect(list.json().audit.map((a: { action: string }) => a.action)).toEqual(['activate', 'propose']);
  });
});
