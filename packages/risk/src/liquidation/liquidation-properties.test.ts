import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMargin } from '../compute-margin.js';
import { AS_OF, EXPIRY_1, EXPIRY_2, pmrmDocument } from '../testing/pmrm-fixture.js';
import type { Account, CollateralBalance, Position } from '../types.js';
import { applyBid } from './apply-bid.js';
import { auctionPresets } from './auction-presets.js';
import { evaluateAuction } from './evaluate-auction.js';
import type { AuctionParams, AuctionState, FiguresOf } from './types.js';

// Property tests of the auction math on random books in the PMRM test environment, priced by
// computeMargin (no tiered haircut, so margins are homogeneous in the book as spec section 3 assumes).
const env = pmrmDocument([]);
const figuresOf =
  (time: number): FiguresOf =>
  (account) => {
    const r = computeMargin({ ...env, asOf: time, account });
    return { mtm: r.equity, mm: r.maintenanceExcess };
  };
const at0 = figuresOf(AS_OF);

const qty = (m: number) => fc.double({ min: -m, max: m, noNaN: true, noDefaultInfinity: true });
const position: fc.Arbitrary<Position> = fc.oneof(
  fc.record({
    type: fc.constant('option' as const),
    underlying: fc.constant('ETH'),
    expiry: fc.constantFrom(EXPIRY_1, EXPIRY_2),
    strike: fc.constantFrom(1400, 1800, 2000, 2200, 2600),
    right: fc.constantFrom('call' as const, 'put' as const),
    quantity: qty(10),
  }),
  fc.record({
    type: fc.constant('perp' as const),
    underlying: fc.constant('ETH'),
    quantity: qty(10),
    entryPrice: fc.double({ min: 1500, max: 2500, noNaN: true }),
    funding: qty(20),
  }),
);
const balance: fc.Arbitrary<CollateralBalance> = fc.record({
  asset: fc.constantFrom('ETH', 'USDC'),
  amount: fc.double({ min: 0, max: 20, noNaN: true }),
  chain: fc.constantFrom('ethereum', 'solana', 'base'),
});

/**
 * A book with a set distress u: cash is chosen so that MM = −u·(maintenance requirement), hence
 * MtM = (1 − u)·requirement: u < 1 solvent, u > 1 insolvent.
 */
const distressed = (uMin: number, uMax: number): fc.Arbitrary<Account> =>
  fc
    .record({
      positions: fc.array(position, { minLength: 1, maxLength: 6 }),
      collateral: fc.array(balance, { maxLength: 2 }),
      u: fc.double({ min: uMin, max: uMax, noNaN: true }),
    })
    .map(({ positions, collateral, u }) => {
      const f = at0({ cash: 0, positions, collateral });
      const requirement = f.mtm - f.mm;
      return { cash: -u * requirement - f.mm, positions, collateral, requirement };
    })
    .filter((a) => a.requirement > 1)
    .map(({ requirement: _, ...a }) => a);

const params: fc.Arbitrary<AuctionParams> = fc
  .record({
    preset: fc.constantFrom(...Object.keys(auctionPresets)),
    feePercent: fc.double({ min: 0, max: 0.1, noNaN: true }),
    bufferPercent: fc.double({ min: 0, max: 4, noNaN: true }),
  })
  .map(({ preset, ...o }) => ({ ...auctionPresets[preset]!, ...o }));

const started = (p: AuctionParams, account: Account) =>
  evaluateAuction(p, { time: AS_OF, auction: null, account, figures: at0 });

// The bidder's gain: the value of what it took, less the cash it paid, plus the cash it received.
const bidderGain = (time: number, taken: Account, bidCash: number, cashToBidder: number) =>
  figuresOf(time)(taken).mtm - bidCash + cashToBidder;

describe('auction properties', () => {
  it('a solvent bid never pays below the bankruptcy price and leaves the account with MtM >= 0', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        params,
        distressed(0.05, 0.95),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 50_000 }),
        (p, account, q, elapsed) => {
          const s = started(p, account);
          if (s.auction?.kind !== 'solvent') return;
          const time = AS_OF + elapsed;
          const r = applyBid(p, {
            time,
            auction: s.auction,
            account: s.account,
            figures: figuresOf(time),
            percent: q,
            insuranceFund: 0,
          });
          // Past the solvent phase the auction has converted: that is the insolvent case.
          if (!r.accepted || r.kindBefore !== 'solvent') return;
          // Bankruptcy price of share p: the least cash that keeps the account's MtM >= 0 after it
          // gives up p of its book; a solvent bid always pays at least that, and never a negative price.
          const bankruptcy = Math.max(
            0,
            -((1 - r.percentOfCurrent) * r.pre.mtm + r.percentOfCurrent * s.auction.reservedCash),
          );
          expect(r.bidCash).toBeGreaterThanOrEqual(bankruptcy);
          expect(r.bidPrice!).toBeGreaterThanOrEqual(0);
          expect(r.post.mtm).toBeGreaterThanOrEqual(-1e-9 * (1 + Math.abs(r.pre.mtm)));
          checked++;
        },
      ),
      { numRuns: 150 },
    );
    expect(checked).toBeGreaterThan(30);
  });

  it('a bid of the maximum fraction restores the buffer margin to exactly zero', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        params,
        distressed(0.05, 0.95),
        fc.integer({ min: 0, max: 50_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (p, account, elapsed, firstBid) => {
          const s = started(p, account);
          if (s.auction?.kind !== 'solvent') return;
          let auction: AuctionState | null = s.auction;
          let acc = s.account;
          const time = AS_OF + Math.min(elapsed, p.fastSeconds + p.slowSeconds - 1);
          const figures = figuresOf(time);
          // A partial bid first, so that the reserved cash R enters the formula too.
          if (firstBid > 0) {
            const r = applyBid(p, {
              time,
              auction,
              account: acc,
              figures,
              percent: firstBid * 0.5,
              insuranceFund: 0,
            });
            auction = r.auction;
            acc = r.account;
          }
          if (auction?.kind !== 'solvent') return;
          const r = applyBid(p, { time, auction, account: acc, figures, percent: 1, insuranceFund: 0 });
          if (!r.accepted || r.pre.fmax > 1) return;
          expect(r.percentOfCurrent).toBe(r.pre.fmax);
          expect(Math.abs(r.post.bm)).toBeLessThanOrEqual(
            1e-9 * (1 + Math.abs(r.pre.mtm) + Math.abs(r.pre.bm)),
          );
          expect(r.transitions).toContainEqual({
            type: 'terminated',
            kind: 'solvent',
            reason: 'MAX_FRACTION',
          });
          checked++;
        },
      ),
      { numRuns: 150 },
    );
    expect(checked).toBeGreaterThan(30);
  });

  it('conserves value across the account, the liquidator and the insurance fund (solvent and insolvent)', () => {
    const kinds = { solvent: 0, insolvent: 0 };
    fc.assert(
      fc.property(
        params,
        distressed(0.05, 3),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.double({ min: 0, max: 5000, noNaN: true }),
        (p, account, q, elapsed, fund) => {
          const time = AS_OF + elapsed;
          const figures = figuresOf(time);
          const s = started(p, account);
          const r = applyBid(p, {
            time,
            auction: s.auction,
            account: s.account,
            figures,
            percent: q,
            insuranceFund: fund + s.feePaid,
          });
          const before = figures(account).mtm + fund;
          const after =
            figures(r.account).mtm +
            r.insuranceFund +
            (r.accepted ? bidderGain(time, r.taken, r.bidCash, r.cashToBidder) : 0) -
            r.socialisedLoss;
          expect(Math.abs(after - before)).toBeLessThanOrEqual(
            1e-9 * (1 + Math.abs(before) + Math.abs(r.pre.mm)),
          );
          expect(r.insuranceFund).toBeGreaterThanOrEqual(0);
          expect(r.socialisedLoss).toBeGreaterThanOrEqual(0);
          if (r.accepted && r.kindBefore) kinds[r.kindBefore]++;
          if (r.accepted && r.kindBefore === 'insolvent') {
            expect(r.insuranceFundPaid + r.socialisedLoss).toBeCloseTo(r.cashToBidder, 9);
            expect(r.insuranceFundPaid).toBeLessThanOrEqual(fund + s.feePaid + r.feePaid);
          }
        },
      ),
      { numRuns: 150 },
    );
    expect(kinds.solvent).toBeGreaterThan(10);
    expect(kinds.insolvent).toBeGreaterThan(10);
  });

  it('an evaluation settles: a second Evaluate at the same time changes nothing', () => {
    fc.assert(
      fc.property(params, distressed(0.05, 3), fc.integer({ min: 0, max: 60_000 }), (p, account, elapsed) => {
        const s = started(p, account);
        const time = AS_OF + elapsed;
        const figures = figuresOf(time);
        const once = evaluateAuction(p, { time, auction: s.auction, account: s.account, figures });
        const twice = evaluateAuction(p, { time, auction: once.auction, account: once.account, figures });
        expect(twice.transitions).toEqual([]);
        expect(twice.auction).toEqual(once.auction);
      }),
      { numRuns: 100 },
    );
  });
});
