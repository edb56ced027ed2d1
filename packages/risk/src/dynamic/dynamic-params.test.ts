import { describe, expect, it } from 'vitest';
import { computeMargin } from '../compute-margin.js';
import { resolveParams } from '../params/resolve-params.js';
import type { MarginDocument, ParamsSpec } from '../types.js';
import { type DynamicPolicy, nextScale, scaleParams } from './dynamic-params.js';
import { updateVolatility, type VolatilityState, volatilityOf } from './volatility.js';

const HOUR = 3600;
const policy: DynamicPolicy = {
  halfLifeSeconds: 6 * HOUR,
  intervalSeconds: HOUR,
  maxStep: 0.25,
  assets: {
    ETH: { mode: 'auto', referenceVol: 0.6, floor: 1, cap: 2 },
    SOL: { mode: 'pinned', referenceVol: 0.8, floor: 1, cap: 2, pinnedScale: 1.1 },
    USDT: { mode: 'disabled', referenceVol: 0.05, floor: 1, cap: 3 },
  },
};

// Deterministic series: 48 quiet hours (about 45% annualised), then 24 hours of 3% hourly swings.
function series(): { at: number; price: number }[] {
  const out: { at: number; price: number }[] = [];
  let p = 2000;
  for (let h = 0; h < 72; h++) {
    for (let m = 0; m < 12; m++) {
      const at = h * HOUR + m * 300;
      const swing = h < 48 ? 0.0011 : 0.0087;
      p *= Math.exp((m + h) % 2 === 0 ? swing : -swing);
      out.push({ at, price: p });
    }
  }
  return out;
}

describe('updateVolatility', () => {
  it('annualises irregular returns and halves the weight of the past every half-life', () => {
    let s: VolatilityState | null = null;
    s = updateVolatility(s, 100, 0, HOUR);
    expect(volatilityOf(s)).toBe(0);
    s = updateVolatility(s, 101, 3600, HOUR);
    const r = Math.log(1.01);
    expect(s.variance).toBeCloseTo((r * r) / (3600 / (365 * 86400)), 9);
    const before = s.variance!;
    s = updateVolatility(s, 101, 7200, HOUR);
    // One half-life later a zero return halves the estimate.
    expect(s.variance).toBeCloseTo(before / 2, 9);
    expect(updateVolatility(s, 99, 7200, HOUR)).toBe(s);
    expect(updateVolatility(s, -1, 9000, HOUR)).toBe(s);
  });
});

describe('dynamic parameters on a replayed vol spike', () => {
  const base: ParamsSpec = { preset: 'pmrm-2-mainnet' };
  const doc = (params: ParamsSpec): MarginDocument => ({
    version: 1,
    asOf: 72 * HOUR,
    params,
    prices: { USDT: { price: 1 } },
    markets: { ETH: { spot: 2000, perp: { price: 2000 } } },
    account: {
      cash: 1000,
      collateral: [
        { asset: 'ETH', amount: 1 },
        { asset: 'USDT', amount: 1000 },
      ],
      positions: [{ type: 'perp', underlying: 'ETH', quantity: -3, entryPrice: 2000 }],
    },
  });

  it('scales rise one bounded step per hour within floor and cap; haircuts and margins tighten', () => {
    let vol: VolatilityState | null = null;
    let scale = 1;
    let changedAt = 0;
    const history: { hour: number; vol: number; scale: number }[] = [];
    for (const { at, price } of series()) {
      vol = updateVolatility(vol, price, at, policy.halfLifeSeconds);
      if (at % HOUR !== 0) continue;
      const next = nextScale(scale, volatilityOf(vol), at - changedAt, policy.assets.ETH!, policy);
      if (next !== scale) {
        // Each change: at most 25% relative, at most once per interval, inside [floor, cap].
        expect(next / scale).toBeLessThanOrEqual(1.25 + 1e-12);
        expect(scale / next).toBeLessThanOrEqual(1.25 + 1e-12);
        expect(at - changedAt).toBeGreaterThanOrEqual(HOUR);
        scale = next;
        changedAt = at;
      }
      expect(scale).toBeGreaterThanOrEqual(1);
      expect(scale).toBeLessThanOrEqual(2);
      history.push({ hour: at / HOUR, vol: volatilityOf(vol), scale });
    }
    const quiet = history.filter((h) => h.hour < 48);
    expect(Math.max(...quiet.map((h) => h.scale))).toBe(1);
    expect(history.at(-1)!.vol).toBeGreaterThan(2 * 0.6);
    // The spike drives the scale to its cap, step by step (1.25, 1.5625, 1.953125, 2).
    expect(history.at(-1)!.scale).toBe(2);
    const distinct = [...new Set(history.map((h) => h.scale))];
    expect(distinct).toEqual([1, 1.25, 1.5625, 1.953125, 2]);

    const scaled = scaleParams(base, {
      ETH: scale,
      USDT: nextScale(1, 3, HOUR, policy.assets.USDT!, policy),
    });
    const p0 = resolveParams(base);
    const p1 = resolveParams(scaled);
    expect(p1.assets.ETH!.mmHaircut).toBeCloseTo(2 * p0.assets.ETH!.mmHaircut!, 12);
    expect(p1.assets.ETH!.imHaircut).toBeCloseTo(2 * p0.assets.ETH!.imHaircut!, 12);
    expect(p1.assets.USDT).toEqual(p0.assets.USDT);
    expect(p1.underlyings.ETH!.scenarios[0]!.spotShock).toBeCloseTo(1.18 ** 2, 12);
    const before = computeMargin(doc(base));
    const after = computeMargin(doc(scaled));
    expect(after.maintenanceRequirement).toBeGreaterThan(before.maintenanceRequirement);
    expect(after.initialExcess).toBeLessThan(before.initialExcess);
  });

  it('pinned and disabled assets ignore volatility', () => {
    expect(nextScale(1, 5, 10 * HOUR, policy.assets.SOL!, policy)).toBe(1.1);
    expect(nextScale(1.7, 5, 10 * HOUR, policy.assets.USDT!, policy)).toBe(1);
    expect(scaleParams(base, { USDT: 1 })).toEqual({ preset: 'pmrm-2-mainnet', overrides: {} });
  });
});
