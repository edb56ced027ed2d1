import { accountId } from '@xmargin/core';
import { isAppError } from '@xmargin/errors';
import { resolveAuctionParams } from '@xmargin/risk';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../redis-keys.js';
import { logSideKeys, readEventsAfter } from '../stream/event-log.js';
import { expiries } from '../test-support/fixtures.js';
import { REDIS_URL_TEST } from '../test-support/harness.js';
import { CASH_DECIMALS, cashToNumber } from './cash-units.js';
import { evaluateAccount } from './evaluate-account.js';
import type { LiquidationEvent } from './liquidation-events.js';
import { runLiquidationSweep } from './liquidation-sweep.js';
import { placeBid } from './place-bid.js';
import {
  depositCash,
  figuresNow,
  type LiquidationLedger,
  openLiquidationLedger,
  seedDistressedAccount,
} from './testing.js';
import { assertWithdrawalAllowed, withdrawalsBlocked } from './withdrawal-guard.js';

// The liquidation engine on real Postgres (own schema) and real Redis (own channel prefix): sweep, bids,
// concurrent bidders, restart mid-auction, insolvent auctions paid by the fund or socialised.
const T0 = 1_767_225_600; // 2026-01-01
const [EXPIRY] = expiries(T0);
const pmrmTest = resolveAuctionParams({ preset: 'pmrm-test' });
const cashCeilOf = (x: number) => BigInt(Math.ceil(x * 10 ** CASH_DECIMALS));
const rejectionCode = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  return isAppError(e) ? e.code : String(e);
};

let ledger: LiquidationLedger;
let redis: Redis;
const prefix = `test-liq-${Math.random().toString(16).slice(2, 10)}`;
const logKey = redisKeys(prefix).liquidationEvents;
/** Everything appended to the liquidation event log so far. */
const published = async () => {
  const all: LiquidationEvent[] = [];
  for await (const page of readEventsAfter<LiquidationEvent>(redis, logKey, '0-0'))
    for (const e of page) all.push(e.event);
  return all;
};

beforeAll(async () => {
  ledger = await openLiquidationLedger('liq', T0);
  const v = await ledger.store.liquidationParams.propose({ params: { preset: 'pmrm-test' }, actor: 'test' });
  await ledger.store.liquidationParams.activate({ version: v.version, actor: 'test' });
  redis = new Redis(REDIS_URL_TEST, { maxRetriesPerRequest: null });
});

afterAll(async () => {
  await redis.del(logKey, ...logSideKeys(logKey));
  await redis.quit();
  await ledger.close();
});

const deps = () => ledger.deps({ events: { redis, key: logKey, maxLen: 10_000 } });
const bidder = async (id: string, cash: number) => {
  const a = accountId(id);
  await ledger.store.accounts.create({ id: a });
  await depositCash(ledger.store, a, cash);
  return a;
};

describe('liquidation sweep and bids', () => {
  it('the sweep starts a solvent auction for an account below maintenance and charges the fee', async () => {
    ledger.clock.ms = T0 * 1000;
    const acc = await seedDistressedAccount(ledger, 'acc_solvent', 0.5, EXPIRY);
    const healthy = await seedDistressedAccount(ledger, 'acc_healthy', -0.5, EXPIRY);
    const before = await figuresNow(ledger, acc);
    expect(before.mm).toBeLessThan(0);
    expect(before.mtm).toBeGreaterThan(0);
    const r = await runLiquidationSweep(deps());
    expect(r.failed).toEqual([]);
    expect(r.started).toBe(1);
    const auction = (await ledger.store.liquidations.ongoing(acc))!;
    expect(auction).toMatchObject({ kind: 'solvent', status: 'ongoing', startTime: T0, phaseStart: T0 });
    expect(await ledger.store.liquidations.ongoing(healthy)).toBeNull();
    // fee = fmax(MtM, BM, 1, 0)·|MtM|·feePercent, into the fund, out of the account's cash.
    const bm = before.mm + (before.mm - before.mtm) * pmrmTest.bufferPercent;
    const fee = (bm / (bm - before.mtm)) * before.mtm * pmrmTest.feePercent;
    expect(cashToNumber(await ledger.store.liquidations.fundBalance())).toBeCloseTo(fee, 5);
    const after = await figuresNow(ledger, acc);
    expect(after.mtm).toBeCloseTo(before.mtm - fee, 5);
    const events = await ledger.store.liquidations.events(auction.id);
    expect(events.map((e) => e.type)).toEqual(['started', 'fee']);
    // A second tick changes nothing.
    expect((await runLiquidationSweep(deps())).started).toBe(0);
    await expect
      .poll(async () => (await published()).filter((e) => e.auctionId === auction.id).map((e) => e.type))
      .toEqual(['started', 'price', 'price']);
  });

  it('a bid moves share p of positions, collateral and cash, records instructions and the feed', async () => {
    ledger.clock.ms = (T0 + 50) * 1000;
    const acc = accountId('acc_solvent');
    const b = await bidder('acc_liq_one', 1_000_000);
    const auction = (await ledger.store.liquidations.ongoing(acc))!;
    const before = await figuresNow(ledger, acc);
    const r = await placeBid(deps(), {
      auctionId: auction.id,
      bidderAccount: b,
      keyId: 'key_liq_one',
      percent: 0.1,
      idempotencyKey: 'bid-1',
    });
    const a = r.action;
    expect(a).toMatchObject({
      accepted: true,
      kind: 'solvent',
      elapsed: 50,
      percentOfCurrent: 0.1,
      reason: null,
    });
    // d(50) = 0.98 − 0.18·50/100 = 0.89; P = MtM·d.
    expect(a.discount).toBeCloseTo(0.89, 12);
    expect(a.preMtM).toBeCloseTo(before.mtm, 9);
    expect(a.bidCash).toBeCloseTo(before.mtm * 0.89 * 0.1, 9);
    const after = await figuresNow(ledger, acc);
    expect(after.mtm).toBeCloseTo(a.postMtM, 5);
    expect(after.mm).toBeCloseTo(a.postMM, 5);
    const calls = after.book.positions.find((p) => p.positionId === 'calls')!;
    expect(calls.doc.quantity).toBeCloseTo(-9, 12);
    const taken = await ledger.store.positions.listByAccount(b);
    expect(taken.map((p) => [p.protocol, p.positionId, (p.doc as { quantity: number }).quantity])).toEqual([
      ['proto_a', `liq:${auction.id}:calls`, -1],
      ['proto_b', `liq:${auction.id}:perp`, expect.closeTo(-0.2, 12)],
    ]);
    const instructions = await ledger.store.liquidations.instructions(auction.id);
    expect(instructions).toHaveLength(1);
    expect(instructions[0]).toMatchObject({
      chain: 'ethereum',
      asset: 'ETH',
      amountRaw: 10n ** 17n,
      kind: 'seizure',
      status: 'pending',
      fromAccount: acc,
      toAccount: b,
    });
    expect(after.book.holdings[0]!.raw).toBe(9n * 10n ** 17n);
    const feedA = await ledger.store.liquidations.positionTransfers({ protocol: 'proto_a' });
    expect(feedA.map((f) => [f.fromPositionId, f.quantity])).toEqual([['calls', -1]]);
    const stored = (await ledger.store.liquidations.get(auction.id))!;
    expect(stored.sequence).toBe(auction.sequence + 1);
    expect(cashToNumber(stored.reservedCash)).toBeCloseTo(a.bidCash, 5);
    expect(stored.remainingFraction).toBeCloseTo(0.9, 12);
    // The same Idempotency-Key replays the outcome instead of bidding twice.
    const again = await placeBid(deps(), {
      auctionId: auction.id,
      bidderAccount: b,
      keyId: 'key_liq_one',
      percent: 0.1,
      idempotencyKey: 'bid-1',
    });
    expect(again).toMatchObject({ bidId: r.bidId, replayed: true });
    expect((await ledger.store.liquidations.bids(auction.id)).filter((x) => x.accepted)).toHaveLength(1);
  });

  it('rejections are recorded and thrown with their code', async () => {
    const acc = accountId('acc_solvent');
    const auction = (await ledger.store.liquidations.ongoing(acc))!;
    const poor = await bidder('acc_liq_poor', 1);
    expect(
      await rejectionCode(
        placeBid(deps(), { auctionId: auction.id, bidderAccount: poor, keyId: 'k_p', percent: 0.5 }),
      ),
    ).toBe('LIQUIDATION__INSUFFICIENT_CASH');
    const rich = await bidder('acc_liq_limit', 1_000_000);
    expect(
      await rejectionCode(
        placeBid(deps(), {
          auctionId: auction.id,
          bidderAccount: rich,
          keyId: 'k_l',
          percent: 0.5,
          maxPrice: 0.01,
        }),
      ),
    ).toBe('LIQUIDATION__PRICE_LIMIT');
    expect(
      await rejectionCode(
        placeBid(deps(), {
          auctionId: auction.id,
          bidderAccount: rich,
          keyId: 'k_l',
          percent: 0.5,
          expectedSequence: auction.sequence + 7,
        }),
      ),
    ).toBe('LIQUIDATION__STALE_SEQUENCE');
    expect(
      await rejectionCode(
        placeBid(deps(), { auctionId: 'auc_missing', bidderAccount: rich, keyId: 'k', percent: 1 }),
      ),
    ).toBe('LIQUIDATION__NOT_FOUND');
    const bids = await ledger.store.liquidations.bids(auction.id);
    expect(bids.filter((x) => !x.accepted).map((x) => x.reason)).toEqual([
      'INSUFFICIENT_CASH',
      'PRICE_LIMIT',
    ]);
  });

  it('two liquidators bidding at once: one wins, the other gets a clear code', async () => {
    const acc = accountId('acc_solvent');
    const auction = (await ledger.store.liquidations.ongoing(acc))!;
    const x = await bidder('acc_liq_x', 1_000_000);
    const y = await bidder('acc_liq_y', 1_000_000);
    // Same expected sequence: the second to take the lock finds it moved on.
    const raced = await Promise.allSettled([
      placeBid(deps(), {
        auctionId: auction.id,
        bidderAccount: x,
        keyId: 'k_x',
        percent: 0.05,
        expectedSequence: auction.sequence,
      }),
      placeBid(deps(), {
        auctionId: auction.id,
        bidderAccount: y,
        keyId: 'k_y',
        percent: 0.05,
        expectedSequence: auction.sequence,
      }),
    ]);
    expect(raced.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = raced.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(isAppError(lost.reason) && lost.reason.code).toBe('LIQUIDATION__STALE_SEQUENCE');
    // Both for the whole rest: the first takes the maximum fraction and ends the auction.
    const whole = await Promise.allSettled([
      placeBid(deps(), { auctionId: auction.id, bidderAccount: x, keyId: 'k_x', percent: 1 }),
      placeBid(deps(), { auctionId: auction.id, bidderAccount: y, keyId: 'k_y', percent: 1 }),
    ]);
    const won = whole.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<
      Awaited<ReturnType<typeof placeBid>>
    >[];
    expect(won).toHaveLength(1);
    expect(won[0]!.value.action).toMatchObject({
      terminated: true,
      transitions: [{ type: 'terminated', reason: 'MAX_FRACTION' }],
    });
    expect(won[0]!.value.action.postBM).toBeCloseTo(0, 3);
    const other = whole.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(isAppError(other.reason) && other.reason.code).toBe('LIQUIDATION__NO_AUCTION');
    expect((await ledger.store.liquidations.get(auction.id))!).toMatchObject({
      status: 'ended',
      endReason: 'MAX_FRACTION',
    });
    // Back above buffer margin: BM >= 0 within the micro-unit rounding of the ledger.
    const now = await figuresNow(ledger, acc);
    expect(now.mm + (now.mm - now.mtm) * pmrmTest.bufferPercent).toBeGreaterThan(-1e-3);
    expect(await ledger.store.liquidations.ongoing(acc)).toBeNull();
  });

  it('resumes after a restart mid-auction: the clock kept running and the auction converts', async () => {
    ledger.clock.ms = T0 * 1000;
    const acc = await seedDistressedAccount(ledger, 'acc_restart', 0.6, EXPIRY);
    await evaluateAccount(deps(), acc);
    const started = (await ledger.store.liquidations.ongoing(acc))!;
    expect(started.kind).toBe('solvent');
    await ledger.restart();
    ledger.clock.ms = (T0 + pmrmTest.fastSeconds + pmrmTest.slowSeconds + 30) * 1000;
    const r = await runLiquidationSweep(deps());
    expect(r.failed).toEqual([]);
    const converted = (await ledger.store.liquidations.ongoing(acc))!;
    expect(converted).toMatchObject({
      id: started.id,
      kind: 'insolvent',
      phaseStart: T0 + pmrmTest.fastSeconds + pmrmTest.slowSeconds,
      reservedCash: 0n,
    });
    expect(converted.cachedMM).toBeGreaterThan(0);
    expect((await ledger.store.liquidations.events(started.id)).map((e) => e.type)).toContain('converted');
  });

  it('an insolvent auction is paid by the insurance fund', async () => {
    ledger.clock.ms = T0 * 1000;
    const acc = await seedDistressedAccount(ledger, 'acc_insolvent', 1.5, EXPIRY);
    await runLiquidationSweep(deps());
    const auction = (await ledger.store.liquidations.ongoing(acc))!;
    expect(auction.kind).toBe('insolvent');
    await ledger.store.liquidations.addFundEntry({ amount: 10n ** 12n, kind: 'deposit', actor: 'test' });
    const fundBefore = await ledger.store.liquidations.fundBalance();
    const b = await bidder('acc_liq_ins', 1_000_000);
    ledger.clock.ms = (T0 + pmrmTest.insolventSeconds) * 1000;
    const { action } = await placeBid(deps(), {
      auctionId: auction.id,
      bidderAccount: b,
      keyId: 'k_i',
      percent: 1,
    });
    // After insolventSeconds the price is MM itself: the fund pays the bidder −MM for the whole account.
    expect(action).toMatchObject({ accepted: true, kind: 'insolvent', terminated: true, socialisedLoss: 0 });
    expect(action.bidPrice).toBeCloseTo(action.preMM, 9);
    expect(action.cashToBidder).toBeCloseTo(-action.preMM, 9);
    expect(action.insuranceFundPaid).toBeCloseTo(-action.preMM, 9);
    const paid = fundBefore - (await ledger.store.liquidations.fundBalance());
    expect(cashToNumber(paid)).toBeCloseTo(-action.preMM, 5);
    expect(action.transitions).toEqual([{ type: 'terminated', kind: 'insolvent', reason: 'FULL_BID' }]);
    const rest = await figuresNow(ledger, acc);
    expect(rest.book.positions).toEqual([]);
  });

  it('fund exhausted: the rest is a socialised loss, and withdrawals stop while it cannot cover', async () => {
    ledger.clock.ms = T0 * 1000;
    const drain = await ledger.store.liquidations.fundBalance();
    await ledger.store.liquidations.addFundEntry({
      amount: -drain + 5n * 10n ** BigInt(CASH_DECIMALS),
      kind: 'draw',
    });
    const acc = await seedDistressedAccount(ledger, 'acc_bad_debt', 2, EXPIRY);
    await runLiquidationSweep(deps());
    const auction = (await ledger.store.liquidations.ongoing(acc))!;
    expect(auction.kind).toBe('insolvent');
    expect(auction.cachedMM).toBeGreaterThan(5);
    expect(await withdrawalsBlocked(ledger.store)).toBe(true);
    expect(await rejectionCode(assertWithdrawalAllowed(ledger.store, accountId('acc_liq_one')))).toBe(
      'LIQUIDATION__WITHDRAWALS_BLOCKED',
    );
    expect(await rejectionCode(assertWithdrawalAllowed(ledger.store, acc))).toBe('LIQUIDATION__AUCTION_OPEN');
    const b = await bidder('acc_liq_bad', 1_000_000);
    ledger.clock.ms = (T0 + 10 * pmrmTest.insolventSeconds) * 1000;
    const { action } = await placeBid(deps(), {
      auctionId: auction.id,
      bidderAccount: b,
      keyId: 'k_b',
      percent: 1,
    });
    expect(action.insuranceFundPaid).toBeCloseTo(5, 9);
    expect(action.socialisedLoss).toBeCloseTo(action.cashToBidder - 5, 9);
    expect(await ledger.store.liquidations.fundBalance()).toBe(0n);
    const loss = cashToNumber(await ledger.store.liquidations.socialisedLossTotal());
    expect(loss).toBeCloseTo(action.socialisedLoss, 5);
    // The ended auction no longer counts; the converted one of the restart test still blocks them.
    const restart = (await ledger.store.liquidations.ongoing(accountId('acc_restart')))!;
    expect(await ledger.store.liquidations.insolventCachedMM()).toBeCloseTo(restart.cachedMM, 9);
    expect(action.withdrawalsBlocked).toBe(true);
    await ledger.store.liquidations.addFundEntry({
      amount: cashCeilOf(restart.cachedMM + 1),
      kind: 'deposit',
    });
    await expect(assertWithdrawalAllowed(ledger.store, accountId('acc_liq_one'))).resolves.toBeUndefined();
    const events = (await ledger.store.liquidations.events(auction.id)).map((e) => e.type);
    expect(events).toEqual(['started', 'bid', 'insurance_draw', 'socialised_loss', 'terminated']);
  });
});
