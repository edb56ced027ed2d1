import fc from 'fast-check';
import { expect, it } from 'vitest';
import { JUNK_PRIORITY, nearLiquidationPriority, UNDER_WATER_PRIORITY } from './near-liquidation.js';

const summary = (maintenanceExcess: number, maintenanceRequirement: number, equity = 0) => ({
  equity,
  initialRequirement: maintenanceRequirement,
  maintenanceRequirement,
  initialExcess: maintenanceExcess,
  maintenanceExcess,
  markToMarket: 0,
});

it('ranks under-water accounts with assets first, and junk last', () => {
  expect(nearLiquidationPriority({ summary: summary(-5, 100), hasAssets: true })).toBe(UNDER_WATER_PRIORITY);
  // Not computable, or under water with nothing to liquidate: behind even a deep-margin account.
  expect(nearLiquidationPriority({ summary: null, hasAssets: true })).toBe(JUNK_PRIORITY);
  expect(nearLiquidationPriority({ summary: summary(-1e9, 0, -1e9), hasAssets: false })).toBe(JUNK_PRIORITY);
  expect(nearLiquidationPriority({ summary: summary(Number.NaN, 1), hasAssets: true })).toBe(JUNK_PRIORITY);
  expect(nearLiquidationPriority({ summary: summary(1e9, 1), hasAssets: true })).toBeLessThan(JUNK_PRIORITY);
});

it('is monotone in the cushion', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      (req, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const pLo = nearLiquidationPriority({ summary: summary(lo, req), hasAssets: true });
        const pHi = nearLiquidationPriority({ summary: summary(hi, req), hasAssets: true });
        expect(pLo).toBeLessThanOrEqual(pHi);
      },
    ),
  );
});
