import { isAppError } from '@xmargin/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BookEntry, type BookMarket, createRiskBook, type RiskBook } from '../book/create-risk-book.js';
import { computeMarginSummary } from '../compute-margin.js';
import type { Account, MarginDocument, MarginSummary, Market, Position } from '../types.js';
import { referenceMarginSummaryPmrm2 } from './pmrm2-reference.js';

// PMRM_2 books: the book's fast path (shared risk arrays, re-aggregation of the exposed accounts only)
// equals computeMarginSummary (the same kernel on one account), which equals the independent
// per-holding revaluation of section 9.4 (pmrm2-reference.ts).

const FIELDS = [
  'equity',
  'initialRequirement',
  'maintenanceRequirement',
  'initialExcess',
  'maintenanceExcess',
  'markToMarket',
] as const;

const AS_OF = 1630000000;
const NEAR = AS_OF + 1200; // inside Derive's last 30 minutes: forwardFixed = F*(1800 - s)/1800
const E1 = 1633214052;
const E2 = 1648938852;

const eth: Market = {
  spot: 1000,
  spotConfidence: 0.9,
  perp: { price: 1001, confidence: 0.5 },
  expiries: [
    { expiry: NEAR, forward: 1000.2, forwardFixed: (1000.2 * 600) / 1800, rate: -0.01, defaultVol: 0.7 },
    { expiry: E1, forward: 1014.18, rate: 0.21, volConfidence: 0.5, defaultVol: 0.9 },
    { expiry: E2, forward: 1119.58, rate: 0.29, volConfidence: 0.95, defaultVol: 0.8 },
  ],
};
const btc: Market = {
  spot: 100000,
  spotConfidence: 0.6,
  perp: { price: 99950, confidence: 0.95 },
  expiries: [
    { expiry: E1, forward: 101143.48, rate: 0.23, volConfidence: 0.95, defaultVol: 0.72 },
    { expiry: E2, forward: 104711.1, rate: 0.29, volConfidence: 0.4, defaultVol: 0.56 },
  ],
};

const params = {
  preset: 'pmrm-2-mainnet',
  overrides: {
    staticDiscount: { long: { base: 0.95 }, short: { base: 1.04, rateMultScale: 0.5 } },
    assets: {
      ETH: { underlying: 'ETH', mmHaircut: 0.015, imHaircut: 0.005 },
      RSWETH: { underlying: 'ETH', riskCancelling: false, mmHaircut: 0.2, imHaircut: 0.05 },
      CBBTC: { underlying: 'BTC', mmHaircut: 0.35, imHaircut: 0.1 },
      USDT: { mmHaircut: 0.02, imHaircut: 0.03 },
      SDAI: { tiers: [{ upTo: 5000, haircut: 0.05 }, { haircut: 0.2 }], imHaircut: 0.03 },
    },
    // BTC runs its own grid: fewer scenarios, wider skew caps, another basis.
    underlyings: {
      BTC: {
        scenarios: [
          { spotShock: 1.25, vol: 'up' as const },
          { spotShock: 1, vol: 'none' as const },
          { spotShock: 0.75, vol: 'down' as const },
          { spotShock: 0.5, vol: 'up' as const, weight: 0.3 },
          { spotShock: 1, vol: 'abs' as const },
        ],
        skew: { abs: { baseCap: 0.4 } },
        basis: { addFactor: 1 },
      },
    },
  },
};

const market: BookMarket = {
  asOf: AS_OF,
  params,
  stable: { price: 0.999 },
  prices: {
    RSWETH: { price: 1040, confidence: 0.5 },
    CBBTC: { price: 99800, confidence: 0.3 },
    USDT: { price: 1 },
  },
  markets: { ETH: eth, BTC: btc },
};

const relClose = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

function summaries(m: BookMarket, account: Account): { kernel: MarginSummary; reference: MarginSummary } {
  const doc = { version: 1, ...m, account } as MarginDocument;
  return { kernel: computeMarginSummary(doc), reference: referenceMarginSummaryPmrm2(doc) };
}

function expectMatches(book: RiskBook, m: BookMarket, accounts: ReadonlyMap<string, Account>): void {
  for (const [id, account] of accounts) {
    const entry: BookEntry | undefined = book.get(id);
    if (!entry?.ok) throw new Error(`${id}: ${entry ? entry.error.message : 'no entry'}`);
    const { kernel, reference } = summaries(m, account);
    for (const f of FIELDS) {
      if (!relClose(entry.summary[f], kernel[f]))
        expect.fail(`${id} ${f}: book ${entry.summary[f]}, kernel ${kernel[f]}`);
      if (!relClose(kernel[f], reference[f]))
        expect.fail(`${id} ${f}: kernel ${kernel[f]}, reference ${reference[f]}`);
    }
  }
}

const option = (underlying: 'ETH' | 'BTC', expiries: number[], strikes: number[], max: number) =>
  fc.record({
    type: fc.constant('option' as const),
    underlying: fc.constant(underlying),
    expiry: fc.constantFrom(...expiries),
    strike: fc.constantFrom(...strikes),
    right: fc.constantFrom('call' as const, 'put' as const),
    quantity: fc.double({ min: -max, max, noNaN: true }),
  });

const position: fc.Arbitrary<Position> = fc.oneof(
  option('ETH', [NEAR, E1, E2], [0, 600, 900, 1000, 1200, 2000, 4000], 20),
  option('BTC', [E1, E2], [50000, 80000, 100000, 170000], 3),
  fc.record({
    type: fc.constant('perp' as const),
    underlying: fc.constantFrom('ETH', 'BTC'),
    quantity: fc.double({ min: -10, max: 10, noNaN: true }),
    entryPrice: fc.double({ min: 500, max: 120000, noNaN: true }),
    funding: fc.double({ min: -10, max: 10, noNaN: true }),
  }),
  fc.record({
    type: fc.constant('future' as const),
    underlying: fc.constantFrom('ETH', 'BTC'),
    expiry: fc.constantFrom(E1, E2),
    quantity: fc.double({ min: -5, max: 5, noNaN: true }),
    entryPrice: fc.double({ min: 500, max: 120000, noNaN: true }),
  }),
);

const account: fc.Arbitrary<Account> = fc.record({
  cash: fc.double({ min: -1e5, max: 1e5, noNaN: true }),
  collateral: fc.array(
    fc.record({
      asset: fc.constantFrom('ETH', 'RSWETH', 'CBBTC', 'USDT', 'SDAI', 'UNLISTED'),
      amount: fc.double({ min: 0, max: 20000, noNaN: true }),
    }),
    { maxLength: 4 },
  ),
  positions: fc.array(position, { maxLength: 8 }),
});

describe('PMRM_2 book', () => {
  it('holds pmrm-2 accounts with the published semantics (SDAI needs a price to be margined)', () => {
    const accounts = new Map<string, Account>([
      [
        'covered',
        {
          collateral: [{ asset: 'CBBTC', amount: 1 }],
          positions: [
            { type: 'option', underlying: 'BTC', expiry: E1, strike: 100000, right: 'call', quantity: -2 },
          ],
        },
      ],
      ['sdai', { collateral: [{ asset: 'SDAI', amount: 100 }] }],
    ]);
    const book = createRiskBook(market, accounts);
    const sdai = book.get('sdai')!;
    expect(!sdai.ok && isAppError(sdai.error, 'RISK__MISSING_PRICE')).toBe(true);
    book.updateMarket({ prices: { SDAI: { price: 1.147 } } });
    expect(book.get('sdai')?.ok).toBe(true);
    const withSdai = { ...market, prices: { ...market.prices, SDAI: { price: 1.147 } } };
    expectMatches(book, withSdai, accounts);
  });

  it('fast path = kernel = reference over random accounts and market, price, stable and asOf changes', () => {
    const priced = { ...market, prices: { ...market.prices, SDAI: { price: 1.147, confidence: 0.9 } } };
    fc.assert(
      fc.property(
        fc.array(account, { minLength: 1, maxLength: 12 }),
        fc.double({ min: 0.7, max: 1.3, noNaN: true }),
        fc.double({ min: 0.2, max: 1, noNaN: true }),
        fc.double({ min: 0.95, max: 1.01, noNaN: true }),
        (list, move, confidence, stable) => {
          const accounts = new Map(list.map((a, i) => [`a${i}`, a] as const));
          const book = createRiskBook(priced, accounts);
          expectMatches(book, priced, accounts);
          // One underlying moves (spot, perp, confidence): the lowest spot confidence moves with it.
          const movedBtc: Market = {
            ...btc,
            spot: btc.spot * move,
            spotConfidence: confidence,
            perp: { price: 99950 * move },
          };
          let m: BookMarket = { ...priced, markets: { ...priced.markets, BTC: movedBtc } };
          book.updateMarket({ markets: { BTC: movedBtc } });
          expectMatches(book, m, accounts);
          // A collateral price and the stable price.
          m = {
            ...m,
            prices: { ...m.prices, CBBTC: { price: 99800 * move, confidence } },
            stable: { price: stable },
          };
          book.updateMarket({
            prices: { CBBTC: { price: 99800 * move, confidence } },
            stable: { price: stable },
          });
          expectMatches(book, m, accounts);
          // Time passes: the near expiry is now at asOf (discounts, shocks and skew widths move).
          m = { ...m, asOf: NEAR };
          book.updateMarket({ asOf: NEAR });
          expectMatches(book, m, accounts);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a v1 book and a pmrm-2 book side by side; switching the parameters re-margins everything', () => {
    const accounts = new Map<string, Account>([
      ['a', { positions: [{ type: 'perp', underlying: 'ETH', quantity: 1, entryPrice: 1000 }] }],
    ]);
    const book = createRiskBook(market, accounts);
    const pmrm2 = book.get('a');
    const v1 = { ...market, params: { preset: 'pmrm-v1-mainnet' } };
    expect(book.updateParams(v1.params)).toEqual(['a']);
    const after = book.get('a');
    expect(after?.ok && pmrm2?.ok && after.summary.maintenanceRequirement).not.toBe(
      pmrm2?.ok && pmrm2.summary.maintenanceRequirement,
    );
    expect(after).toEqual({
      ok: true,
      summary: computeMarginSummary({ version: 1, ...v1, account: accounts.get('a')! }),
    });
  });
});
