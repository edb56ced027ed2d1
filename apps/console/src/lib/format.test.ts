import { describe, expect, it } from 'vitest';
import { age, money, percent, ratio } from './format.js';

describe('format', () => {
  it('money: cents below a million, compact above, a dash for nothing', () => {
    expect(money(1234.5)).toBe('1,234.50');
    expect(money(-0.004)).toBe('-0.00');
    expect(money(12_500_000)).toBe('12.5M');
    expect(money(null)).toBe('—');
    expect(money(Number.NaN)).toBe('—');
  });
  it('ratio: null and infinity are an infinite ratio', () => {
    expect(ratio(0.8234)).toBe('0.82');
    expect(ratio(null)).toBe('∞');
    expect(ratio(Number.POSITIVE_INFINITY)).toBe('∞');
    expect(percent(0.1234)).toBe('12.3%');
  });
  it('age: seconds, minutes, hours, days', () => {
    expect(age(0)).toBe('0s');
    expect(age(59.9)).toBe('59s');
    expect(age(303)).toBe('5m 03s');
    expect(age(7_500)).toBe('2h 05m');
    expect(age(3 * 86_400 + 4 * 3_600)).toBe('3d 04h');
    expect(age(null)).toBe('—');
  });
});
