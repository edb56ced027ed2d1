import { describe, expect, it } from 'vitest';
import { computeMargin } from './compute-margin.js';
import { call, EXPIRY_1, EXPIRY_2, perp, pmrmDocument, put } from './testing/pmrm-fixture.js';

// The six published PMRM v1 results of spec section 8. Published values are truncated toward zero.
const rows = [
  { name: 'short 1 call K=1400', doc: pmrmDocument([call(EXPIRY_2, 1400, -1)]), im: -1021, mm: -925 },
  { name: 'long 1 perp @ 2000', doc: pmrmDocument([perp(1, 2000)]), im: -454, mm: -349 },
  { name: '1 ETH risk-cancelling collateral', doc: pmrmDocument([], 1), im: 1545, mm: 1650 },
  { name: '1 ETH + short 1 perp @ 2005', doc: pmrmDocument([perp(-1, 2005)], 1), im: 1873, mm: 1903 },
  {
    name: '1 ETH + short 1 call K=2000',
    doc: pmrmDocument([call(EXPIRY_2, 2000, -1)], 1),
    im: 1509,
    mm: 1602,
  },
  {
    name: 'short box 1000/2000',
    doc: pmrmDocument([
      put(EXPIRY_1, 1000, 1),
      call(EXPIRY_1, 2000, 1),
      call(EXPIRY_1, 1000, -1),
      put(EXPIRY_1, 2000, -1),
    ]),
    im: -1000,
    mm: -1000,
  },
];

describe('published PMRM v1 results (spec section 8)', () => {
  it.each(rows)('$name: initialExcess $im, maintenanceExcess $mm (truncated)', ({ doc, im, mm }) => {
    const r = computeMargin(doc);
    expect(Math.trunc(r.initialExcess)).toBe(im);
    expect(Math.trunc(r.maintenanceExcess)).toBe(mm);
  });

  it('short call K=1400 matches the published decimals to the cent', () => {
    const r = computeMargin(rows[0]!.doc);
    expect(Math.abs(r.initialExcess - -1021.828)).toBeLessThan(0.005);
    expect(Math.abs(r.maintenanceExcess - -925.585)).toBeLessThan(0.005);
  });

  it('long perp: every term of the requirement', () => {
    const r = computeMargin(rows[1]!.doc);
    const eth = r.underlyings.ETH!;
    // worst scenario spot 0.85: 1 x (0.85 - 1) x 2001; static contingency 2000 x 0.025.
    expect(eth.worstScenario).toEqual({ spotShock: 0.85, vol: 'up' });
    expect(eth.staticContingency).toBeCloseTo(50, 10);
    expect(eth.basisContingency).toBe(0);
    expect(r.maintenanceRequirement).toBeCloseTo(350.15, 10);
    expect(r.initialRequirement).toBeCloseTo(1.3 * 350.15, 10);
    expect(r.equity).toBeCloseTo(1, 12);
    expect(r.positions[0]!.worstScenarioPnl).toBeCloseTo(-300.15, 10);
  });

  it('short box: parity makes every scenario flat, so only the mark counts', () => {
    const r = computeMargin(rows[5]!.doc);
    expect(r.markToMarket).toBeCloseTo(-1000, 9);
    expect(r.underlyings.ETH!.staticContingency).toBe(0);
    expect(r.maintenanceRequirement).toBeLessThan(1e-9);
  });
});
