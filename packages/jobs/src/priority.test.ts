import fc from 'fast-check';
import { expect, it } from 'vitest';
import { HIGHEST_PRIORITY, LOWEST_PRIORITY, liquidationPriority, UNKNOWN_PRIORITY } from './priority.js';

it('puts under-water accounts first and unknown ones in between', () => {
  expect(liquidationPriority({ maintenanceExcess: -5, maintenanceRequirement: 100 })).toBe(HIGHEST_PRIORITY);
  expect(liquidationPriority({ maintenanceExcess: 0, maintenanceRequirement: 100 })).toBe(HIGHEST_PRIORITY);
  expect(liquidationPriority({ maintenanceExcess: Number.NaN, maintenanceRequirement: 1 })).toBe(
    UNKNOWN_PRIORITY,
  );
  expect(liquidationPriority({ maintenanceExcess: 1, maintenanceRequirement: 100 })).toBeLessThan(
    UNKNOWN_PRIORITY,
  );
});

it('is monotonic in the cushion and always a valid BullMQ priority', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1e9, noNaN: true }),
      fc.double({ min: 0, max: 1e9, noNaN: true }),
      fc.double({ min: 1e-6, max: 1e9, noNaN: true }),
      (a, b, req) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const pLo = liquidationPriority({ maintenanceExcess: lo, maintenanceRequirement: req });
        const pHi = liquidationPriority({ maintenanceExcess: hi, maintenanceRequirement: req });
        expect(pLo).toBeLessThanOrEqual(pHi);
        expect(Number.isInteger(pHi) && pHi >= HIGHEST_PRIORITY && pHi <= LOWEST_PRIORITY).toBe(true);
      },
    ),
  );
});
