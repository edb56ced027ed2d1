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
