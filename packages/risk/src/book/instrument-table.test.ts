import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Position } from '../types.js';
import { createInstrumentTable } from './instrument-table.js';

const position: fc.Arbitrary<Position> = fc.oneof(
  fc.record({
    type: fc.constant('perp' as const),
    underlying: fc.constantFrom('ETH', 'BTC', 'SOL', 'AVAX'),
    quantity: fc.constant(1),
    entryPrice: fc.constant(1),
  }),
  fc.record({
    type: fc.constant('future' as const),
    underlying: fc.constantFrom('ETH', 'BTC', 'SOL', 'AVAX'),
    expiry: fc.integer({ min: 1, max: 6 }),
    quantity: fc.constant(1),
    entryPrice: fc.constant(1),
  }),
  fc.record({
    type: fc.constant('option' as const),
    underlying: fc.constantFrom('ETH', 'BTC', 'SOL', 'AVAX'),
    expiry: fc.integer({ min: 1, max: 6 }),
    strike: fc.double({ min: 1, max: 2, noNaN: true }),
    right: fc.constantFrom('call' as const, 'put' as const),
    quantity: fc.constant(1),
  }),
);

/** Every pair of registered instruments ranks in `compare` order. */
function expectRanksInOrder(t: ReturnType<typeof createInstrumentTable>, ids: readonly number[]): void {
  for (const a of ids) {
    for (const b of ids) {
      const c = t.compare(a, b);
      const r = t.rank[a]! - t.rank[b]!;
      expect(Math.sign(r)).toBe(a === b ? 0 : Math.sign(c));
    }
  }
}

describe('instrument ranks', () => {
  it('order instruments as compare does, whatever the order they are registered and swept in', () => {
    fc.assert(
      fc.property(
        fc.array(position, { minLength: 1, maxLength: 60 }),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        (positions, dropped) => {
          const t = createInstrumentTable(4);
          const ids = positions.map((p) => t.find(p));
          ids.forEach((id) => {
            t.retain(id);
          });
          const live = [...new Set(ids)];
          expectRanksInOrder(t, live);
          // Released instruments leave (a sweep needs 1024 of them: register that many more strikes).
          const kept = live.filter((_, i) => !dropped[i]);
          for (const id of live) if (!kept.includes(id)) t.release(id);
          const more: number[] = [];
          for (let i = 0; i < 1100; i++) {
            more.push(
              t.find({ type: 'option', underlying: 'XRP', expiry: 9, strike: i, right: 'call', quantity: 1 }),
            );
          }
          t.sweep();
          // The swept ids (the extra strikes' among them) serve the positions registered again.
          const after = [...new Set([...kept, ...positions.map((p) => t.find(p))])];
          expectRanksInOrder(t, after);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('stay in order when each new strike falls between the last two (ranks renumbered)', () => {
    const t = createInstrumentTable();
    const option = (strike: number): Position => ({
      type: 'option',
      underlying: 'ETH',
      expiry: 1,
      strike,
      right: 'put',
      quantity: 1,
    });
    // Ranks 0..999, then two more: near rank 1000 a double has fewer bits left below 1 than strikes
    // near 2000 have below 1000, so halving the gap between new neighbours exhausts the ranks first.
    for (let k = 1; k <= 1000; k++) t.find(option(k));
    const ids = [t.find(option(2000)), t.find(option(3000))];
    let lo = 2000;
    let hi = 3000;
    for (let i = 0; i < 200; i++) {
      const mid = lo + (hi - lo) / 2;
      if (mid === lo || mid === hi) break;
      ids.push(t.find(option(mid)));
      if (i % 2 === 0) lo = mid;
      else hi = mid;
    }
    expect(ids.length).toBeGreaterThan(46);
    expectRanksInOrder(t, ids);
  });
});
