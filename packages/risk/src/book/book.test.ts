import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMarginSummary } from '../compute-margin.js';
import { AS_OF, call, EXPIRY_1, EXPIRY_2, perp, pmrmDocument, put } from '../testing/pmrm-fixture.js';
import type { Account, MarginDocument, Position } from '../types.js';
import { type BookMarket, createRiskBook } from './create-risk-book.js';

const FIELDS = [
  'equity',
  'initialRequirement',
  'maintenanceRequirement',
  'initialExcess',
  'maintenanceExcess',
  'markToMarket',
] as const;

const relClose = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

function expectBookMatchesNaive(market: BookMarket, accounts: Account[]): void {
  const book = createRiskBook(market, accounts);
  accounts.forEach((account, a) => {
    const naive = computeMarginSummary({ version: 1, ...market, account } as MarginDocument);
    for (const f of FIELDS) {
      const fast = book.result[f][a]!;
      if (!relClose(fast, naive[f])) expect.fail(`account ${a} ${f}: fast ${fast} naive ${naive[f]}`);
    }
  });
}

const base = pmrmDocument([]);
const market: BookMarket = {
  asOf: AS_OF,
  params: base.params,
  stable: { price: 0.99 },
  prices: { USDC: { price: 1 } },
  markets: {
    ...base.markets,
    BTC: {
      spot: 30000,
      spotConfidence: 0.5,
      perp: { price: 30010, confidence: 0.9 },
      expiries: [
        {
          expiry: EXPIRY_2,
          forward: 30050,
          forwardFixed: 20,
          rate: 0.03,
          defaultVol: 0.4,
          volConfidence: 0.7,
        },
      ],
    },
  },
};

describe('createRiskBook', () => {
  it('reproduces the published PMRM rows', () => {
    const rows = [
      [call(EXPIRY_2, 1400, -1)],
      [perp(1, 2000)],
      [put(EXPIRY_1, 1000, 1), call(EXPIRY_1, 2000, 1), call(EXPIRY_1, 1000, -1), put(EXPIRY_1, 2000, -1)],
    ];
    const book = createRiskBook(
      base,
      rows.map((positions) => ({ positions })),
    );
    expect(Math.trunc(book.result.initialExcess[0]!)).toBe(-1021);
    expect(Math.trunc(book.result.maintenanceExcess[1]!)).toBe(-349);
    expect(Math.trunc(book.result.initialExcess[2]!)).toBe(-1000);
  });

  it('matches the full-revaluation path on hand-made accounts (duplicates, futures, base, haircuts)', () => {
    const fut: Position = {
      type: 'future',
      underlying: 'BTC',
      expiry: EXPIRY_2,
      quantity: -0.3,
      entryPrice: 29900,
    };
    const btcPut: Position = {
      type: 'option',
      underlying: 'BTC',
      expiry: EXPIRY_2,
      strike: 28000,
      right: 'put',
      quantity: -2,
    };
    expectBookMatchesNaive(market, [
      { positions: [] },
      {
        cash: 100,
        collateral: [
          { asset: 'ETH', amount: 2 },
          { asset: 'USDC', amount: 500 },
        ],
      },
      {
        positions: [
          call(EXPIRY_2, 2000, -1),
          call(EXPIRY_2, 2000, -1),
          put(EXPIRY_2, 2000, 3),
          perp(1, 1990),
          perp(-0.5, 2010),
        ],
      },
      { positions: [fut, btcPut, call(EXPIRY_1, 2100, 2)], collateral: [{ asset: 'ETH', amount: 1 }] },
    ]);
  });

  it('updateMarket after a price move equals a fresh book on the moved market', () => {
    const accounts: Account[] = [
      { positions: [call(EXPIRY_2, 2000, -1), perp(1, 2000)] },
      { positions: [{ type: 'perp', underlying: 'BTC', quantity: 1, entryPrice: 30000 }] },
      { collateral: [{ asset: 'ETH', amount: 3 }] },
    ];
    const book = createRiskBook(market, accounts);
    const btcBefore = book.result.initialRequirement[1];
    const moved = { ...market.markets.ETH!, spot: 2100, perp: { price: 2102 } };
    book.updateMarket('ETH', moved);
    const fresh = createRiskBook({ ...market, markets: { ...market.markets, ETH: moved } }, accounts);
    for (const f of FIELDS) expect([...book.result[f]]).toEqual([...fresh.result[f]]);
    expect(book.result.initialRequirement[1]).toBe(btcBefore);
  });

  it('property: fast path == naive path on random books', () => {
    const strikes = [1400, 1800, 2000, 2200, 2600];
    const position: fc.Arbitrary<Position> = fc.oneof(
      fc.record({
        type: fc.constant('option' as const),
        underlying: fc.constant('ETH'),
        expiry: fc.constantFrom(EXPIRY_1, EXPIRY_2),
        strike: fc.constantFrom(...strikes),
        right: fc.constantFrom('call' as const, 'put' as const),
        quantity: fc.double({ min: -20, max: 20, noNaN: true }),
      }),
      fc.record({
        type: fc.constant('option' as const),
        underlying: fc.constant('BTC'),
        expiry: fc.constant(EXPIRY_2),
        strike: fc.constantFrom(25000, 30000, 35000),
        right: fc.constantFrom('call' as const, 'put' as const),
        quantity: fc.double({ min: -5, max: 5, noNaN: true }),
      }),
      fc.record({
        type: fc.constant('perp' as const),
        underlying: fc.constantFrom('ETH', 'BTC'),
        quantity: fc.double({ min: -10, max: 10, noNaN: true }),
        entryPrice: fc.double({ min: 1000, max: 40000, noNaN: true }),
        funding: fc.double({ min: -10, max: 10, noNaN: true }),
      }),
      fc.record({
        type: fc.constant('future' as const),
        underlying: fc.constantFrom('ETH', 'BTC'),
        expiry: fc.constant(EXPIRY_2),
        quantity: fc.double({ min: -10, max: 10, noNaN: true }),
        entryPrice: fc.double({ min: 1000, max: 40000, noNaN: true }),
      }),
    );
    const account: fc.Arbitrary<Account> = fc.record({
      cash: fc.double({ min: -1e5, max: 1e5, noNaN: true }),
      collateral: fc.array(
        fc.record({
          asset: fc.constantFrom('ETH', 'USDC'),
          amount: fc.double({ min: 0, max: 1e4, noNaN: true }),
        }),
        { maxLength: 3 },
      ),
      positions: fc.array(position, { maxLength: 12 }),
    });
    fc.assert(
      fc.property(fc.array(account, { minLength: 1, maxLength: 8 }), (accounts) => {
        expectBookMatchesNaive(market, accounts);
      }),
      { numRuns: 60 },
    );
  });
});
