import { isAppError } from '@xmargin/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addAmounts,
  amountFromNumber,
  compareAmounts,
  divRound,
  formatAmount,
  mulDivAmount,
  parseAmount,
  pow10,
  rescaleAmount,
  subAmounts,
} from './amount.js';

const decimals = fc.integer({ min: 0, max: 30 });
const raw = fc.bigInt({ min: -(2n ** 256n), max: 2n ** 256n });

describe('Amount', () => {
  it('round-trips decimal strings exactly', () => {
    fc.assert(
      fc.property(raw, decimals, (r, d) => {
        const a = { raw: r, decimals: d };
        expect(parseAmount(formatAmount(a), d)).toEqual(a);
      }),
      { numRuns: 2000 },
    );
  });

  it('formats canonical strings', () => {
    expect(formatAmount({ raw: 1500000n, decimals: 6 })).toBe('1.5');
    expect(formatAmount({ raw: -1n, decimals: 6 })).toBe('-0.000001');
    expect(formatAmount({ raw: 0n, decimals: 18 })).toBe('0');
    expect(formatAmount({ raw: 42n, decimals: 0 })).toBe('42');
    expect(parseAmount('-0.000001', 6).raw).toBe(-1n);
    expect(parseAmount('007.10', 2).raw).toBe(710n);
  });

  it('rejects malformed strings and silent precision loss with stable codes', () => {
    for (const bad of ['', '1.', '.5', '1e18', '1,000', ' 1', '+1', '0x10', '1.2.3', 'NaN']) {
      expect(() => parseAmount(bad, 6), bad).toThrow(
        expect.objectContaining({ code: 'CORE__INVALID_AMOUNT' }),
      );
    }
    try {
      parseAmount('1.0000001', 6);
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'CORE__AMOUNT_PRECISION_LOSS')).toBe(true);
    }
    expect(parseAmount('1.0000001', 6, 'floor').raw).toBe(1000000n);
    expect(parseAmount('1.0000001', 6, 'ceil').raw).toBe(1000001n);
    expect(parseAmount('-1.0000001', 6, 'floor').raw).toBe(-1000001n);
    expect(parseAmount('1.5000000', 6).raw).toBe(1500000n);
  });

  it("never rounds in the holder's favour: assets floor, liabilities ceil", () => {
    fc.assert(
      fc.property(raw, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 30 }), (r, from, to) => {
        const a = { raw: r, decimals: from };
        const asset = rescaleAmount(a, to, 'floor');
        const liability = rescaleAmount(a, to, 'ceil');
        expect(compareAmounts(asset, a)).toBeLessThanOrEqual(0);
        expect(compareAmounts(liability, a)).toBeGreaterThanOrEqual(0);
        // and the error is less than one unit of the target precision
        const unit = { raw: 1n, decimals: to };
        expect(compareAmounts(addAmounts(asset, unit), a)).toBe(1);
        expect(compareAmounts(subAmounts(liability, unit), a)).toBe(-1);
      }),
      { numRuns: 2000 },
    );
  });

  it('rounds divisions per mode, consistently with exact rational comparison', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        (n, d) => {
          const f = divRound(n, d, 'floor');
          const c = divRound(n, d, 'ceil');
          const t = divRound(n, d, 'trunc');
          expect(f * d <= n && n < (f + 1n) * d).toBe(true);
          expect((c - 1n) * d < n && n <= c * d).toBe(true);
          expect(t === (n < 0n ? c : f)).toBe(true);
          const h = divRound(n, d, 'half-even');
          expect(h === f || h === c).toBe(true);
          expect(divRound(n, -d, 'floor')).toBe(divRound(-n, d, 'floor'));
        },
      ),
    );
    expect(divRound(5n, 2n, 'half-even')).toBe(2n);
    expect(divRound(7n, 2n, 'half-even')).toBe(4n);
    expect(divRound(-5n, 2n, 'half-even')).toBe(-2n);
    expect(() => divRound(1n, 0n, 'floor')).toThrow(
      expect.objectContaining({ code: 'CORE__DIVISION_BY_ZERO' }),
    );
    expect(() => divRound(1n, 3n, 'exact')).toThrow(
      expect.objectContaining({ code: 'CORE__AMOUNT_PRECISION_LOSS' }),
    );
  });

  it('applies a haircut without favouring the holder', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 40n }), fc.integer({ min: 0, max: 10000 }), (r, bps) => {
        const a = { raw: r, decimals: 6 };
        const kept = mulDivAmount(a, BigInt(10000 - bps), 10000n, 'floor');
        expect(kept.raw * 10000n <= r * BigInt(10000 - bps)).toBe(true);
      }),
    );
  });

  it('refuses to combine different decimals', () => {
    expect(() => addAmounts({ raw: 1n, decimals: 6 }, { raw: 1n, decimals: 18 })).toThrow(
      expect.objectContaining({ code: 'CORE__AMOUNT_DECIMALS_MISMATCH' }),
    );
    expect(compareAmounts({ raw: 1n, decimals: 6 }, { raw: pow10(12), decimals: 18 })).toBe(0);
  });

  it('converts doubles from their exact binary value with the requested rounding', () => {
    expect(amountFromNumber(0.1, 18, 'floor').raw).toBe(100000000000000005n);
    expect(amountFromNumber(0.1, 18, 'ceil').raw).toBe(100000000000000006n);
    expect(amountFromNumber(-1021.828, 6, 'floor').raw).toBe(-1021828000n);
    expect(amountFromNumber(-1021.828, 6, 'ceil').raw).toBe(-1021827999n);
    expect(amountFromNumber(1e21, 0, 'floor').raw).toBe(10n ** 21n);
    expect(amountFromNumber(5e-324, 6, 'ceil').raw).toBe(1n);
    expect(() => amountFromNumber(Number.NaN, 6, 'floor')).toThrow(
      expect.objectContaining({ code: 'CORE__INVALID_AMOUNT' }),
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }), (x) => {
        const lo = amountFromNumber(x, 9, 'floor');
        const hi = amountFromNumber(x, 9, 'ceil');
        expect(hi.raw - lo.raw === 0n || hi.raw - lo.raw === 1n).toBe(true);
      }),
    );
  });
});
