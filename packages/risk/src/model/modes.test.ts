import { describe, expect, it } from 'vitest';
import { computeMargin } from '../compute-margin.js';
import { call, EXPIRY_2, perp, pmrmDocument } from '../testing/pmrm-fixture.js';

describe('comparison modes', () => {
  it('portfolio mode equals the top-level figures', () => {
    const r = computeMargin(pmrmDocument([call(EXPIRY_2, 2000, -1)], 1));
    expect(r.modes.portfolio).toEqual({
      initialRequirement: r.initialRequirement,
      maintenanceRequirement: r.maintenanceRequirement,
      initialExcess: r.initialExcess,
      maintenanceExcess: r.maintenanceExcess,
    });
  });

  it('isolated mode sums one-position portfolios, so a hedge is charged twice', () => {
    const long = computeMargin(pmrmDocument([perp(1, 2000)]));
    const short = computeMargin(pmrmDocument([perp(-1, 2000)]));
    const both = computeMargin(pmrmDocument([perp(1, 2000), perp(-1, 2000)]));
    expect(both.modes.isolated.initialRequirement).toBeCloseTo(
      long.initialRequirement + short.initialRequirement,
      9,
    );
    expect(both.initialRequirement).toBe(0);
    expect(both.capitalEfficiency).toBeNull();
    const hedged = computeMargin(pmrmDocument([perp(-1, 2005)], 1));
    expect(hedged.capitalEfficiency).toBeCloseTo(
      hedged.modes.isolated.initialRequirement / hedged.initialRequirement,
      12,
    );
    expect(hedged.capitalEfficiency!).toBeGreaterThan(5);
  });

  it('cross mode: fixed ratios of notional for perps, premium plus add-on for short options', () => {
    const r = computeMargin(
      pmrmDocument([perp(-2, 2000), call(EXPIRY_2, 2100, -1), call(EXPIRY_2, 2200, 3)]),
    );
    const premium = -r.positions[1]!.markToMarket;
    const addOn = Math.max(0.15 * 2000 - 100, 0.1 * 2000);
    expect(r.modes.cross.initialRequirement).toBeCloseTo(2 * 2001 * 0.1 + premium + addOn, 9);
    expect(r.modes.cross.maintenanceRequirement).toBeCloseTo(2 * 2001 * 0.05 + premium + 0.5 * addOn, 9);
  });
});
