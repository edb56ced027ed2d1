import { type AppError, isAppError } from '@xmargin/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMarginSummary } from '../compute-margin.js';
import {
  AS_OF,
  call,
  EXPIRY_1,
  EXPIRY_2,
  perp,
  pmrmDocument,
  pmrmTestParams,
  put,
} from '../testing/pmrm-fixture.js';
import type { Account, MarginDocument, Market, Position } from '../types.js';
import { type BookEntry, type BookMarket, createRiskBook, type RiskBook } from './create-risk-book.js';

const FIELDS = [
  'equity',
  'initialRequirement',
  'maintenanceRequirement',
  'initialExcess',
  'maintenanceExcess',
  'markToMarket',
] as const;

const relClose = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** The reference: `computeMarginSummary` of the account alone on the book's market. */
function naive(market: BookMarket, account: Account): BookEntry {
  try {
    return { ok: true, summary: computeMarginSummary({ version: 1, ...market, account } as MarginDocument) };
  } catch (e) {
    if (!isAppError(e)) throw e;
    return { ok: false, error: e };
  }
}

function expectEntry(id: string, got: BookEntry | undefined, want: BookEntry): void {
  if (!got) throw new Error(`${id}: no entry`);
  if (!want.ok) {
    if (got.ok) throw new Error(`${id}: book ok, reference fails with ${want.error.code}`);
    expect({ id, code: got.error.code, context: got.error.context }).toEqual({
      id,
      code: want.error.code,
      context: want.error.context,
    });
    return;
  }
  if (!got.ok) throw new Error(`${id}: book fails with ${got.error.code}: ${got.error.message}`);
  for (const f of FIELDS) {
    if (!relClose(got.summary[f], want.summary[f])) {
      expect.fail(`${id} ${f}: book ${got.summary[f]} reference ${want.summary[f]}`);
    }
  }
}

/** Two reads of an account give the same figures (or the same error): `get` makes a new entry per read. */
function sameEntry(a: BookEntry | undefined, b: BookEntry | undefined): boolean {
  if (!a || !b) return a === b;
  if (!a.ok || !b.ok)
    return !a.ok && !b.ok && a.error.code === b.error.code && a.error.message === b.error.message;
  return FIELDS.every((f) => Object.is(a.summary[f], b.summary[f]));
}

function expectBookMatches(book: RiskBook, market: BookMarket, accounts: ReadonlyMap<string, Account>): void {
  expect(book.accountCount).toBe(accounts.size);
  expect(new Set(book.ids())).toEqual(new Set(accounts.keys()));
  for (const [id, account] of accounts) expectEntry(id, book.get(id), naive(market, account));
}

const numbered = (accounts: readonly Account[]) => accounts.map((a, i) => [`a${i}`, a] as const);

const base = pmrmDocument([]);
const btc: Market = {
  spot: 30000,
  spotConfidence: 0.5,
  perp: { price: 30010, confidence: 0.9 },
  expiries: [
    { expiry: EXPIRY_2, forward: 30050, forwardFixed: 20, rate: 0.03, defaultVol: 0.4, volConfidence: 0.7 },
  ],
};
const market: BookMarket = {
  asOf: AS_OF,
  params: {
    ...pmrmTestParams,
    assets: { ...pmrmTestParams.assets, SOL: { underlying: 'SOL', mmHaircut: 0.1 } },
  },
  stable: { price: 0.99 },
  prices: { USDC: { price: 1 }, SOL: { price: 150 } },
  markets: { ...base.markets, BTC: btc },
};

describe('createRiskBook', () => {
  it('reproduces the published PMRM rows', () => {
    const rows = [
      [call(EXPIRY_2, 1400, -1)],
      [perp(1, 2000)],
      [put(EXPIRY_1, 1000, 1), call(EXPIRY_1, 2000, 1), call(EXPIRY_1, 1000, -1), put(EXPIRY_1, 2000, -1)],
    ];
    const book = createRiskBook(base, numbered(rows.map((positions) => ({ positions }))));
    const summary = (id: string) => {
      const e = book.get(id);
      if (!e?.ok) throw new Error(`${id} failed`);
      return e.summary;
    };
    expect(Math.trunc(summary('a0').initialExcess)).toBe(-1021);
    expect(Math.trunc(summary('a1').maintenanceExcess)).toBe(-349);
    expect(Math.trunc(summary('a2').initialExcess)).toBe(-1000);
  });

  it('matches computeMarginSummary on hand-made accounts (duplicates, futures, base, haircuts)', () => {
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
    const accounts = new Map(
      numbered([
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
      ]),
    );
    expectBookMatches(createRiskBook(market, accounts), market, accounts);
  });

  it('a price move re-margins only the exposed accounts and equals a fresh book', () => {
    const accounts = new Map(
      numbered([
        { positions: [call(EXPIRY_2, 2000, -1), perp(1, 2000)] },
        { positions: [{ type: 'perp', underlying: 'BTC', quantity: 1, entryPrice: 30000 }] },
        { collateral: [{ asset: 'ETH', amount: 3 }] },
      ]),
    );
    const book = createRiskBook(market, accounts);
    const btcEntry = book.get('a1');
    const moved = { ...market.markets.ETH!, spot: 2100, perp: { price: 2102 } };
    expect([...book.updateMarket({ markets: { ETH: moved } })].sort()).toEqual(['a0', 'a2']);
    expect(book.get('a1')).toEqual(btcEntry);
    const movedMarket = { ...market, markets: { ...market.markets, ETH: moved } };
    const fresh = createRiskBook(movedMarket, accounts);
    for (const id of accounts.keys()) expect(book.get(id)).toEqual(fresh.get(id));
    expectBookMatches(book, movedMarket, accounts);
  });

  it('upsert and remove touch one account; instruments nobody holds leave the count', () => {
    const book = createRiskBook(market, numbered([{ positions: [call(EXPIRY_2, 2000, -1)] }]));
    const first = book.get('a0');
    expect(book.instrumentCount).toBe(1);
    const entry = book.upsertAccount('b', { positions: [put(EXPIRY_1, 1800, 2), call(EXPIRY_2, 2000, 1)] });
    expect(entry).toEqual(book.get('b'));
    expect(book.get('a0')).toEqual(first);
    expect(book.instrumentCount).toBe(2);
    book.upsertAccount('b', { positions: [perp(1, 2000)] });
    expect(book.instrumentCount).toBe(2);
    expect(book.removeAccount('b')).toBe(true);
    expect(book.removeAccount('b')).toBe(false);
    expect(book.instrumentCount).toBe(1);
    expect(book.accountCount).toBe(1);
    expect(book.get('b')).toBeUndefined();
    expect(book.get('a0')).toEqual(first);
  });

  it('an account that cannot be margined fails alone with the error computeMarginSummary throws', () => {
    const book = createRiskBook(market);
    const overflow = book.upsertAccount('overflow', { positions: [perp(1e308, 1)] });
    const missing = book.upsertAccount('missing', { positions: [{ ...perp(1, 10), underlying: 'SOL' }] });
    const fine = book.upsertAccount('fine', { positions: [perp(1, 2000)] });
    expect(!overflow.ok && isAppError(overflow.error, 'RISK__INVALID_INPUT')).toBe(true);
    expect(!overflow.ok && (overflow.error as AppError<'RISK__INVALID_INPUT'>).context.path).toBe(
      '$.account.equity',
    );
    expect(!missing.ok && isAppError(missing.error, 'RISK__MISSING_MARKET')).toBe(true);
    expect(fine.ok).toBe(true);
    // The missing market arrives: the failed account is retried.
    const sol: Market = { spot: 150, perp: { price: 151 } };
    expect(book.updateMarket({ markets: { SOL: sol } })).toContain('missing');
    expect(book.get('missing')?.ok).toBe(true);
  });

  it('refuses invalid market data and parameters whole, leaving the book as it was', () => {
    const book = createRiskBook(market, numbered([{ positions: [perp(1, 2000)] }]));
    const before = book.get('a0');
    expect(() => book.updateMarket({ markets: { ETH: { spot: 0 } } })).toThrow(/outside the model domain/);
    expect(() => book.updateMarket({ stable: { price: -1 } })).toThrow(/outside the model domain/);
    expect(() => book.updateParams({ preset: 'nope' })).toThrow(/Unknown parameter preset/);
    expect(book.get('a0')).toEqual(before);
    expect(book.updateMarket({ prices: { USDC: { price: 1 } } })).toEqual([]);
  });

  describe('properties', () => {
    const strikes = [1400, 1800, 2000, 2200, 2600];
    const qty = (m: number) =>
      fc.oneof(
        { weight: 150, arbitrary: fc.double({ min: -m, max: m, noNaN: true }) },
        { weight: 1, arbitrary: fc.constantFrom(1e308, -1e308) },
      );
    const position: fc.Arbitrary<Position> = fc.oneof(
      // SOL has no market until an update brings one: an account holding it fails until then.
      {
        weight: 1,
        arbitrary: fc.record({
          type: fc.constant('perp' as const),
          underlying: fc.constant('SOL'),
          quantity: qty(10),
          entryPrice: fc.double({ min: 50, max: 300, noNaN: true }),
        }),
      },
      {
        weight: 40,
        arbitrary: fc.oneof(
          fc.record({
            type: fc.constant('option' as const),
            underlying: fc.constant('ETH'),
            expiry: fc.constantFrom(EXPIRY_1, EXPIRY_2),
            strike: fc.constantFrom(...strikes),
            right: fc.constantFrom('call' as const, 'put' as const),
            quantity: qty(20),
          }),
          fc.record({
            type: fc.constant('option' as const),
            underlying: fc.constant('BTC'),
            expiry: fc.constant(EXPIRY_2),
            strike: fc.constantFrom(25000, 30000, 35000),
            right: fc.constantFrom('call' as const, 'put' as const),
            quantity: qty(5),
          }),
          fc.record({
            type: fc.constant('perp' as const),
            underlying: fc.constantFrom('ETH', 'BTC'),
            quantity: qty(10),
            entryPrice: fc.double({ min: 1, max: 40000, noNaN: true }),
            funding: fc.double({ min: -10, max: 10, noNaN: true }),
          }),
          fc.record({
            type: fc.constant('future' as const),
            underlying: fc.constantFrom('ETH', 'BTC'),
            expiry: fc.constantFrom(EXPIRY_1, EXPIRY_2),
            quantity: qty(10),
            entryPrice: fc.double({ min: 1000, max: 40000, noNaN: true }),
          }),
        ),
      },
    );
    const account: fc.Arbitrary<Account> = fc.record({
      cash: fc.double({ min: -1e5, max: 1e5, noNaN: true }),
      collateral: fc.array(
        fc.record(
          {
            asset: fc.constantFrom('ETH', 'USDC', 'SOL'),
            amount: fc.double({ min: 1, max: 1e4, noNaN: true }),
            observedAt: fc.integer({ min: AS_OF - 3600, max: AS_OF }),
          },
          { requiredKeys: ['asset', 'amount'] },
        ),
        { maxLength: 3 },
      ),
      positions: fc.array(position, { maxLength: 10 }),
    });

    it('a book built at once equals computeMarginSummary of each account', () => {
      fc.assert(
        fc.property(fc.array(account, { minLength: 1, maxLength: 8 }), (list) => {
          const accounts = new Map(numbered(list));
          expectBookMatches(createRiskBook(market, accounts), market, accounts);
        }),
        { numRuns: 60 },
      );
    });

    it('after enough replacements to move every run to a fresh store, every entry still equals computeMarginSummary', () => {
      // 1,500 accounts of ~5 legs, replaced twice: the ranges left behind pass the live ones (and the
      // store's 4,096-leg floor), so the book compacts its store during the second pass.
      fc.assert(
        fc.property(fc.array(account, { minLength: 4_500, maxLength: 4_500 }), (list) => {
          const accounts = new Map(numbered(list.slice(0, 1_500)));
          const book = createRiskBook(market, accounts);
          for (const pass of [1, 2]) {
            for (let i = 0; i < 1_500; i++) {
              const next = list[pass * 1_500 + i]!;
              accounts.set(`a${i}`, next);
              book.upsertAccount(`a${i}`, next);
              if (i % 7 === 0) {
                book.removeAccount(`a${i}`);
                accounts.delete(`a${i}`);
              }
            }
          }
          expectBookMatches(book, market, accounts);
        }),
        { numRuns: 2 },
      );
    });

    const eth = market.markets.ETH!;
    const ethMarket = fc.record({
      move: fc.double({ min: 0.8, max: 1.25, noNaN: true }),
      vol: fc.double({ min: 0.2, max: 1.2, noNaN: true }),
      confidence: fc.constantFrom(1, 0.5),
      // Sometimes an expiry or the perp is missing: accounts holding it fail until it comes back.
      expiries: fc.constantFrom('both', 'both', 'both', 'both', 'first', 'second'),
      perp: fc.constantFrom(true, true, true, true, false),
    });
    type Op =
      | { op: 'upsert'; id: number; account: Account }
      | { op: 'remove'; id: number }
      | { op: 'eth'; m: { move: number; vol: number; confidence: number; expiries: string; perp: boolean } }
      | { op: 'btc'; spot: number }
      | { op: 'sol'; spot: number }
      | { op: 'prices'; usdc: number; sol: number }
      | { op: 'stable'; price: number }
      | { op: 'asOf'; delta: number }
      | { op: 'params'; imFactor: number; scenarios: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 6, arbitrary: fc.record({ op: fc.constant('upsert' as const), id: fc.nat(9), account }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constant('remove' as const), id: fc.nat(9) }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('eth' as const), m: ethMarket }) },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant('btc' as const),
          spot: fc.double({ min: 20000, max: 40000, noNaN: true }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant('sol' as const),
          spot: fc.double({ min: 50, max: 300, noNaN: true }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant('prices' as const),
          usdc: fc.constantFrom(1, 0.97),
          sol: fc.double({ min: 50, max: 300, noNaN: true }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ op: fc.constant('stable' as const), price: fc.constantFrom(1, 0.99, 0.95) }),
      },
      {
        weight: 1,
        arbitrary: fc.record({ op: fc.constant('asOf' as const), delta: fc.integer({ min: 0, max: 3600 }) }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant('params' as const),
          imFactor: fc.constantFrom(1.3, 1.5),
          scenarios: fc.integer({ min: 3, max: 21 }),
        }),
      },
    );

    function ethFrom(m: Extract<Op, { op: 'eth' }>['m']): Market {
      const expiries = eth.expiries!.filter(
        (e) => m.expiries === 'both' || (m.expiries === 'first') === (e.expiry === EXPIRY_1),
      );
      return {
        spot: eth.spot * m.move,
        spotConfidence: m.confidence,
        ...(m.perp ? { perp: { price: eth.perp!.price * m.move } } : {}),
        expiries: expiries.map((e) => ({ ...e, forward: e.forward * m.move, defaultVol: m.vol })),
      };
    }

    it('after any sequence of upsert, remove, updateMarket and updateParams every entry equals computeMarginSummary', () => {
      fc.assert(
        fc.property(
          fc.array(account, { maxLength: 6 }),
          fc.array(op, { minLength: 1, maxLength: 16 }),
          (start, ops) => {
            const accounts = new Map(numbered(start));
            let current = market;
            const book = createRiskBook(current, accounts);
            expectBookMatches(book, current, accounts);
            for (const o of ops) {
              const before = new Map([...book.ids()].map((id) => [id, book.get(id)]));
              let touched: readonly string[] = [];
              let patch: Partial<BookMarket> | undefined;
              switch (o.op) {
                case 'upsert':
                  accounts.set(`a${o.id}`, o.account);
                  expect(book.upsertAccount(`a${o.id}`, o.account)).toEqual(book.get(`a${o.id}`));
                  touched = [`a${o.id}`];
                  break;
                case 'remove':
                  expect(book.removeAccount(`a${o.id}`)).toBe(accounts.delete(`a${o.id}`));
                  break;
                case 'eth':
                  patch = { markets: { ETH: ethFrom(o.m) } };
                  break;
                case 'btc':
                  patch = { markets: { BTC: { ...btc, spot: o.spot } } };
                  break;
                case 'sol':
                  patch = { markets: { SOL: { spot: o.spot, perp: { price: o.spot } } } };
                  break;
                case 'prices':
                  patch = { prices: { USDC: { price: o.usdc }, SOL: { price: o.sol } } };
                  break;
                case 'stable':
                  patch = { stable: { price: o.price } };
                  break;
                case 'asOf':
                  patch = { asOf: current.asOf + o.delta };
                  break;
                case 'params': {
                  const params = {
                    ...(market.params as typeof pmrmTestParams),
                    imFactor: o.imFactor,
                    scenarios: pmrmTestParams.scenarios!.slice(0, o.scenarios),
                  };
                  touched = book.updateParams(params);
                  current = { ...current, params };
                  break;
                }
              }
              if (patch) {
                touched = book.updateMarket(patch);
                current = {
                  ...current,
                  ...patch,
                  markets: { ...current.markets, ...patch.markets },
                  prices: { ...current.prices, ...patch.prices },
                };
              }
              expectBookMatches(book, current, accounts);
              // Consumers publish the returned ids: an entry that changed must be among them.
              for (const id of book.ids()) {
                if (before.has(id) && !sameEntry(book.get(id), before.get(id))) expect(touched).toContain(id);
              }
            }
          },
        ),
        { numRuns: 80 },
      );
    });
  });
});
