import { describe, expect, it } from 'vitest';
import { computeMargin } from '../compute-margin.js';
import { black76Greeks } from '../pricing/greeks.js';
import { AS_OF, call, EXPIRY_2, perp, pmrmDocument, put } from '../testing/pmrm-fixture.js';
import type { MarginDocument } from '../types.js';

describe('Greeks and marks per position and per underlying', () => {
  it('option Greeks are quantity x Black-76 Greeks through dF/dS; perps move with Fp/S', () => {
    const r = computeMargin(pmrmDocument([call(EXPIRY_2, 2200, -3), perp(2, 2000)], 1.5));
    const T = 1497600 / (365 * 86400);
    const g = black76Greeks({
      forward: 2004.7545,
      strike: 2200,
      time: T,
      vol: 0.5,
      right: 'call',
      forwardPerSpot: 2004.7545 / 2000,
    });
    const opt = r.positions[0]!.greeks;
    expect(opt.delta).toBeCloseTo(-3 * g.delta, 12);
    expect(opt.gamma).toBeCloseTo(-3 * g.gamma, 14);
    expect(opt.vega).toBeCloseTo(-3 * g.vega, 10);
    expect(opt.theta).toBeCloseTo(-3 * g.theta, 8);
    expect(r.positions[1]!.greeks).toEqual({ delta: (2 * 2001) / 2000, gamma: 0, vega: 0, theta: 0 });
    // The underlying adds the risk-cancelling collateral's delta (b / P$).
    const eth = r.underlyings.ETH!.greeks;
    expect(eth.delta).toBeCloseTo(opt.delta + (2 * 2001) / 2000 + 1.5, 12);
    expect(eth.vega).toBeCloseTo(opt.vega, 12);
  });

  it('marks: options at their value, perps at qty x (mark - entry) + funding', () => {
    const p = { ...perp(2, 1990), funding: -3 };
    const r = computeMargin(pmrmDocument([p, put(EXPIRY_2, 1800, 1)]));
    expect(r.positions[0]!.markToMarket).toBeCloseTo(2 * 11 - 3, 12);
    expect(r.markToMarket).toBeCloseTo(r.positions[0]!.markToMarket + r.positions[1]!.markToMarket, 12);
  });

  it('an option past asOf prices at intrinsic value and is reported', () => {
    const doc = pmrmDocument([]);
    const expired: MarginDocument = {
      ...doc,
      markets: {
        ETH: { ...doc.markets.ETH!, expiries: [{ expiry: AS_OF - 60, forward: 2000, defaultVol: 0.5 }] },
      },
      account: { positions: [call(AS_OF - 60, 1900, 1)] },
    };
    const r = computeMargin(expired);
    expect(r.markToMarket).toBeCloseTo(100, 10);
    expect(r.warnings.map((w) => w.code)).toEqual(['OPTION_EXPIRED']);
  });

  it('tiered haircuts break positive homogeneity on purpose (bigger balances get deeper haircuts)', () => {
    const doc = (amount: number): MarginDocument => ({
      ...pmrmDocument([]),
      params: { preset: 'deribit-like' },
      prices: { USDT: { price: 1 } },
      account: { collateral: [{ asset: 'USDT', amount }] },
    });
    const small = computeMargin(doc(500_000)).maintenanceRequirement;
    const large = computeMargin(doc(5_000_000)).maintenanceRequirement;
    expect(small).toBeCloseTo(500_000 * 0.02, 6);
    expect(large).toBeCloseTo(1_000_000 * 0.02 + 4_000_000 * 0.05, 6);
    expect(large).toBeGreaterThan(10 * small);
  });
});
