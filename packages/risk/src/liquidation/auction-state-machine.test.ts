import { describe, expect, it } from 'vitest';
import type { Account } from '../types.js';
import { applyBid } from './apply-bid.js';
import { evaluateAuction } from './evaluate-auction.js';
import { resolveAuctionParams } from './resolve-auction-params.js';
import type { AuctionParams, FiguresOf } from './types.js';

// The state machine and bid rules of spec section 4 on a linear book with hand-checkable figures:
// one perp of quantity q marked at `price`, a maintenance requirement of 50 per unit.
const T0 = 1_700_000_000;
const linear =
  (price = 100): FiguresOf =>
  (account) => {
    const q = account.positions?.[0]?.quantity ?? 0;
    const mtm = (account.cash ?? 0) + q * price;
    return { mtm, mm: mtm - 50 * Math.abs(q) };
  };
const book = (cash: number, q = 1): Account => ({
  cash,
  collateral: [],
  positions: [{ type: 'perp', underlying: 'ETH', quantity: q, entryPrice: 100, funding: 0 }],
});
const test: AuctionParams = resolveAuctionParams({ preset: 'derive-test' });
const near = (a: number, b: number) => expect(a).toBeCloseTo(b, 12);

const startSolvent = () =>
  evaluateAuction(test, { time: T0, auction: null, account: book(-60), figures: linear() });

describe('Evaluate (spec section 4)', () => {
  it('starts nothing while MM >= 0', () => {
    const r = evaluateAuction(test, { time: T0, auction: null, account: book(-50), figures: linear() });
    expect(r).toEqual({ auction: null, account: book(-50), feePaid: 0, transitions: [] });
  });

  it('starts a solvent auction when MtM > 0 and charges the fee from cash', () => {
    const withFee = { ...test, feePercent: 0.02 };
    const r = evaluateAuction(withFee, { time: T0, auction: null, account: book(-60), figures: linear() });
    // MtM 40, MM −10, BM −15: fee = 15/(15 + 40)·40·0.02.
    const fee = (15 / 55) * 40 * 0.02;
    near(r.feePaid, fee);
    near(r.account.cash!, -60 - fee);
    expect(r.auction).toEqual({
      kind: 'solvent',
      startTime: T0,
      phaseStart: T0,
      reservedCash: 0,
      cachedMM: 0,
      remainingFraction: 1,
    });
    expect(r.transitions).toEqual([{ type: 'started', kind: 'solvent', fee: r.feePaid }]);
  });

  it('starts an insolvent auction when MtM <= 0, caching −MM', () => {
    const r = evaluateAuction(test, { time: T0, auction: null, account: book(-120), figures: linear() });
    expect(r.auction).toMatchObject({ kind: 'insolvent', cachedMM: 70, phaseStart: T0 });
    expect(r.transitions).toEqual([{ type: 'started', kind: 'insolvent', fee: 0 }]);
  });

  it('converts a solvent auction to insolvent at the end of the solvent phase', () => {
    const s = startSolvent();
    const end = T0 + test.fastSeconds + test.slowSeconds;
    const stay = evaluateAuction(test, {
      time: end - 1,
      auction: s.auction,
      account: s.account,
      figures: linear(),
    });
    expect(stay.transitions).toEqual([]);
    const r = evaluateAuction(test, {
      time: end + 5,
      auction: s.auction,
      account: s.account,
      figures: linear(),
    });
    expect(r.transitions).toEqual([{ type: 'converted', kind: 'insolvent' }]);
    expect(r.auction).toMatchObject({ kind: 'insolvent', phaseStart: end, reservedCash: 0, cachedMM: 10 });
  });

  it('terminates MM_RESTORED after the solvent phase when MM >= 0', () => {
    const s = startSolvent();
    const r = evaluateAuction(test, {
      time: T0 + 7800,
      auction: s.auction,
      account: s.account,
      figures: linear(120),
    });
    expect(r.transitions).toEqual([{ type: 'terminated', kind: 'solvent', reason: 'MM_RESTORED' }]);
    expect(r.auction).toBeNull();
  });

  it('terminates BM_RESTORED when the buffer margin is back >= 0', () => {
    const s = startSolvent();
    const r = evaluateAuction(test, {
      time: T0 + 10,
      auction: s.auction,
      account: s.account,
      figures: linear(130),
    });
    expect(r.transitions).toEqual([{ type: 'terminated', kind: 'solvent', reason: 'BM_RESTORED' }]);
  });

  it('terminates MTM_NEGATIVE and starts an insolvent auction in the same evaluation', () => {
    const s = startSolvent();
    // price 50: MtM −10, MM −60.
    const r = evaluateAuction(test, {
      time: T0 + 10,
      auction: s.auction,
      account: s.account,
      figures: linear(50),
    });
    expect(r.transitions).toEqual([
      { type: 'terminated', kind: 'solvent', reason: 'MTM_NEGATIVE' },
      { type: 'started', kind: 'insolvent', fee: 0 },
    ]);
    expect(r.auction).toMatchObject({ kind: 'insolvent', startTime: T0 + 10, cachedMM: 60 });
  });

  it('terminates an insolvent auction MM_RESTORED', () => {
    const s = evaluateAuction(test, { time: T0, auction: null, account: book(-120), figures: linear() });
    const r = evaluateAuction(test, {
      time: T0 + 1,
      auction: s.auction,
      account: s.account,
      figures: linear(200),
    });
    expect(r.transitions).toEqual([{ type: 'terminated', kind: 'insolvent', reason: 'MM_RESTORED' }]);
  });
});

describe('Bid (spec section 4)', () => {
  const bid = (args: {
    percent: number;
    maxPrice?: number;
    bidderCash?: number;
    price?: number;
    time?: number;
  }) => {
    const s = startSolvent();
    return applyBid(test, {
      time: args.time ?? T0 + 300,
      auction: s.auction,
      account: s.account,
      figures: linear(args.price),
      percent: args.percent,
      maxPrice: args.maxPrice,
      bidderCash: args.bidderCash,
      insuranceFund: 0,
    });
  };

  it('takes share p of the book at P = (MtM − R)·d, pays c into the account and reserves it', () => {
    // d(300) = 0.9, P = 36, fmax = 15/51.
    const r = bid({ percent: 0.1, bidderCash: 5.2 });
    expect(r.accepted).toBe(true);
    near(r.discount!, 0.9);
    near(r.bidPrice!, 36);
    near(r.pre.fmax, 15 / 51);
    near(r.bidCash, 3.6);
    near(r.reservedCash, 3.6);
    near(r.post.mtm, 39.6);
    near(r.post.mm, -5.4);
    near(r.post.bm, -9.9);
    near(r.post.fmax, 9.9 / 45.9);
    near(r.account.cash!, -50.4);
    near(r.account.positions![0]!.quantity, 0.9);
    near(r.taken.positions![0]!.quantity, 0.1);
    near(r.taken.cash!, -6);
    expect(r.terminated).toBe(false);
    expect(r.auction).toMatchObject({ kind: 'solvent', reservedCash: r.bidCash, remainingFraction: 0.9 });
  });

  it('rejects INSUFFICIENT_CASH below c + |BM − R|·p, then PRICE_LIMIT above maxPrice', () => {
    const poor = bid({ percent: 0.1, bidderCash: 5 });
    expect(poor).toMatchObject({
      accepted: false,
      reason: 'INSUFFICIENT_CASH',
      bidCash: 0,
      percentOfCurrent: 0,
    });
    expect(poor.post).toEqual(poor.pre);
    expect(bid({ percent: 0.1, bidderCash: 1, maxPrice: 1 }).reason).toBe('INSUFFICIENT_CASH');
    expect(bid({ percent: 0.1, maxPrice: 3.5 }).reason).toBe('PRICE_LIMIT');
  });

  it('rejects PRICE_ZERO once the discount has reached 0', () => {
    const s = evaluateAuction(
      { ...test, cutoffPercent: 0 },
      { time: T0, auction: null, account: book(-60), figures: linear() },
    );
    const r = applyBid(
      { ...test, cutoffPercent: 0 },
      {
        time: T0 + 700,
        auction: s.auction,
        account: s.account,
        figures: linear(),
        percent: 0.5,
        insuranceFund: 0,
      },
    );
    expect(r).toMatchObject({ accepted: false, reason: 'PRICE_ZERO', kindBefore: 'solvent', discount: 0 });
  });

  it('rejects NO_AUCTION on a healthy account', () => {
    const r = applyBid(test, {
      time: T0,
      auction: null,
      account: book(-40),
      figures: linear(),
      percent: 1,
      insuranceFund: 0,
    });
    expect(r).toMatchObject({
      accepted: false,
      reason: 'NO_AUCTION',
      kindBefore: null,
      bidPrice: null,
      elapsed: null,
    });
  });

  it('the maximum fraction ends the auction (MAX_FRACTION) with BM back to 0', () => {
    const r = bid({ percent: 1 });
    near(r.percentOfCurrent, 15 / 51);
    near(r.post.bm, 0);
    expect(r.terminated).toBe(true);
    expect(r.transitions).toEqual([{ type: 'terminated', kind: 'solvent', reason: 'MAX_FRACTION' }]);
    expect(r.auction).toBeNull();
  });

  it('a price fall below the reserved cash terminates RESERVED_CASH and restarts a solvent auction', () => {
    const first = bid({ percent: 0.1 });
    // price 59: MtM = −50.4 + 0.9·59 = 2.7 < R = 3.6.
    const r = applyBid(test, {
      time: T0 + 400,
      auction: first.auction,
      account: first.account,
      figures: linear(59),
      percent: 0.1,
      insuranceFund: 0,
    });
    expect(r.transitions.slice(0, 2)).toEqual([
      { type: 'terminated', kind: 'solvent', reason: 'RESERVED_CASH' },
      { type: 'started', kind: 'solvent', fee: 0 },
    ]);
    expect(r.elapsed).toBe(0);
    expect(r.accepted).toBe(true);
  });

  it('insolvent: the fund pays the bidder until it runs out, the rest is socialised loss', () => {
    // cash −120: MtM −20, MM −70; at e = 300 of 600, π = −20 + (−70 + 20)·0.5 = −45.
    const s = evaluateAuction(test, { time: T0, auction: null, account: book(-120), figures: linear() });
    const half = applyBid(test, {
      time: T0 + 300,
      auction: s.auction,
      account: s.account,
      figures: linear(),
      percent: 0.5,
      bidderCash: 12.5,
      insuranceFund: 10,
    });
    expect(half).toMatchObject({
      accepted: true,
      kindBefore: 'insolvent',
      discount: null,
      terminated: false,
    });
    near(half.bidPrice!, -45);
    near(half.cashToBidder, 22.5);
    near(half.insuranceFundPaid, 10);
    near(half.socialisedLoss, 12.5);
    near(half.insuranceFund, 0);
    near(half.post.mtm, -10);
    near(half.post.mm, -35);
    expect(half.auction).toMatchObject({ cachedMM: 70, remainingFraction: 0.5 });
    const poor = applyBid(test, {
      time: T0 + 300,
      auction: s.auction,
      account: s.account,
      figures: linear(),
      percent: 0.5,
      bidderCash: 12.4,
      insuranceFund: 10,
    });
    expect(poor.reason).toBe('INSUFFICIENT_CASH');
    const limited = applyBid(test, {
      time: T0 + 300,
      auction: s.auction,
      account: s.account,
      figures: linear(),
      percent: 0.5,
      maxPrice: -23,
      insuranceFund: 10,
    });
    expect(limited.reason).toBe('PRICE_LIMIT');
    const rest = applyBid(test, {
      time: T0 + 600,
      auction: half.auction,
      account: half.account,
      figures: linear(),
      percent: 1,
      insuranceFund: half.insuranceFund,
    });
    near(rest.bidPrice!, -35);
    near(rest.socialisedLoss, 35);
    near(rest.percentOfOriginal, 0.5);
    expect(rest.terminated).toBe(true);
    expect(rest.transitions).toEqual([{ type: 'terminated', kind: 'insolvent', reason: 'FULL_BID' }]);
    expect(rest.auction).toBeNull();
  });
});
