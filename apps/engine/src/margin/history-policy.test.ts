import { expect, it } from 'vitest';
import { needsHistoryRow } from './history-policy.js';

const s = (equity: number, mm = 100) => ({
  equity,
  initialRequirement: mm * 1.2,
  maintenanceRequirement: mm,
  initialExcess: equity - mm * 1.2,
  maintenanceExcess: equity - mm,
  markToMarket: 0,
});
const policy = { tolerance: 0.01, everySeconds: 60 };

it('writes the first row, crossings, moves above the tolerance and a row at least every period', () => {
  expect(needsHistoryRow(policy, undefined, s(1_000), false, 0)).toBe(true);
  const last = { summary: s(1_000), at: 0 };
  expect(needsHistoryRow(policy, last, s(1_005), false, 1_000)).toBe(false); // 0.5% of 1,000
  expect(needsHistoryRow(policy, last, s(1_011), false, 1_000)).toBe(true); // 1.1%
  expect(needsHistoryRow(policy, last, s(1_005), true, 1_000)).toBe(true); // a threshold crossing
  expect(needsHistoryRow(policy, last, s(1_000), false, 60_000)).toBe(true); // the period elapsed
  expect(needsHistoryRow(policy, last, null, false, 1_000)).toBe(true); // became uncomputable
  expect(needsHistoryRow(policy, { summary: null, at: 0 }, null, false, 1_000)).toBe(false);
});

it('compares every figure, each against the same tolerance', () => {
  const last = { summary: s(1_000), at: 0 };
  const fields = Object.keys(s(1_000)) as (keyof ReturnType<typeof s>)[];
  for (const f of fields) {
    expect(needsHistoryRow(policy, last, { ...s(1_000), [f]: s(1_000)[f] + 11 }, false, 1_000), f).toBe(true);
    expect(needsHistoryRow(policy, last, { ...s(1_000), [f]: s(1_000)[f] - 9 }, false, 1_000), f).toBe(false);
  }
});
