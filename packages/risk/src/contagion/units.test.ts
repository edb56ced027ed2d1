import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StressAccount } from './types.js';
import { unitsOf } from './units.js';

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Ids that are prefixes of one another, with characters on both sides of '@' (0x40): '-', '0', 'A', 'a'.
const id = fc.string({ unit: fc.constantFrom('a', 'A', '0', '-', '~'), minLength: 1, maxLength: 4 });
const chain = fc.constantFrom('arbitrum', 'base', 'ethereum', 'solana', 'Zk', '0g');
const book = fc.uniqueArray(id, { minLength: 1, maxLength: 12 }).chain((ids) =>
  fc.tuple(
    ...ids.map((i) =>
      fc.record({
        id: fc.constant(i),
        cash: fc.dictionary(chain, fc.integer({ min: -5, max: 5 }), { maxKeys: 2 }),
        positions: fc.array(
          chain.map((c) => ({
            type: 'perp' as const,
            underlying: 'ETH',
            quantity: 1,
            entryPrice: 1,
            chain: c,
          })),
          { maxLength: 3 },
        ),
      }),
    ),
  ),
);

describe('unitsOf', () => {
  it('orders units by id (account@chain under isolated) without making ids to sort them', () => {
    fc.assert(
      fc.property(book, (accounts: StressAccount[]) => {
        for (const mode of ['isolated', 'cross'] as const) {
          const units = unitsOf(accounts, mode);
          const ids = units.map((u) => u.id);
          expect(ids).toEqual([...ids].sort(byName));
          expect(units.map((u) => u.index)).toEqual(units.map((_, i) => i));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('StressUnit slices', () => {
  const account: StressAccount = {
    id: 'a',
    cash: { arbitrum: 10, solana: -3 },
    collateral: [
      { asset: 'USDC', chain: 'solana', amount: 1000 },
      { asset: 'ETH', chain: 'arbitrum', amount: 3 },
    ],
    positions: [
      { type: 'perp', underlying: 'ETH', quantity: 0.7, entryPrice: 2000, funding: -12.5, chain: 'arbitrum' },
      { type: 'perp', underlying: 'ETH', quantity: -2.3, entryPrice: 1900, chain: 'solana' },
      {
        type: 'future',
        underlying: 'ETH',
        quantity: 1.1,
        entryPrice: 2010,
        expiry: 1_700_600_000,
        chain: 'arbitrum',
      },
    ],
  };
  const snapshot = JSON.stringify(account);

  it('scales amounts, quantities and funding slice after slice, as copies scaled in place would, leaving the input as given', () => {
    const keeps = [0.7, 1 / 3, 0.9];
    for (const mode of ['isolated', 'cross'] as const) {
      for (const u of unitsOf([account], mode)) {
        const collateral = u.collateral.map((c) => ({ ...c }));
        const positions = u.positions.map((p) => ({ ...p }));
        for (const keep of keeps) {
          u.scaleHoldings(keep);
          for (const c of collateral) c.amount *= keep;
          for (const p of positions) {
            p.quantity *= keep;
            if ('funding' in p && p.funding !== undefined) p.funding *= keep;
          }
          expect(u.collateral.map((c, i) => u.amount(i, c))).toEqual(collateral.map((c) => c.amount));
          expect(u.heldCollateral).toEqual(collateral);
          expect(u.positions.map((p, i) => u.quantity(i, p))).toEqual(positions.map((p) => p.quantity));
          expect(u.positions.map((p, i) => u.funding(i, p))).toEqual(
            positions.map((p) => ('funding' in p ? p.funding : undefined)),
          );
        }
        expect(u.holdsAnything).toBe(true);
        u.close();
        expect([u.collateral, u.positions, u.heldCollateral, u.holdsAnything]).toEqual([[], [], [], false]);
      }
    }
    expect(JSON.stringify(account)).toBe(snapshot);
  });

  it("an unsliced unit reads the input's own figures", () => {
    const [u] = unitsOf([account], 'cross');
    expect(u!.heldCollateral).toBe(account.collateral);
    expect(u!.positions.map((p, i) => [u!.quantity(i, p), u!.funding(i, p)])).toEqual([
      [0.7, -12.5],
      [-2.3, undefined],
      [1.1, undefined],
    ]);
  });
});
