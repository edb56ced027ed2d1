import { describe, expect, it } from 'vitest';
import { blackScholes, blackScholesGreeks } from './black-scholes.js';
import { black76 } from './black76.js';
import { black76Greeks } from './greeks.js';

// Published reference values (Hull; Haug "The Complete Guide to Option Pricing Formulas", as used by the
// QuantLib test suite), spec section 8. Tolerance 1e-4.
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(1e-4);

describe('Black-Scholes with carry: spec section 8 reference values', () => {
  it('Hull: S=42 K=40 r=0.10 sigma=0.20 T=0.5', () => {
    const p = blackScholes({ spot: 42, strike: 40, rate: 0.1, carry: 0.1, vol: 0.2, time: 0.5 });
    close(p.call, 4.7594);
    close(p.put, 0.8086);
  });

  it('Haug: call K=65 S=60 q=0 r=0.08 T=0.25 sigma=0.30', () => {
    close(blackScholes({ spot: 60, strike: 65, rate: 0.08, carry: 0.08, vol: 0.3, time: 0.25 }).call, 2.1334);
  });

  it('Haug: put K=95 S=100 q=0.05 r=0.10 T=0.5 sigma=0.20', () => {
    close(blackScholes({ spot: 100, strike: 95, rate: 0.1, carry: 0.05, vol: 0.2, time: 0.5 }).put, 2.4648);
  });

  it('Black-76 (q=r): K=19 F=19 r=0.10 T=0.75 sigma=0.28', () => {
    const bs = blackScholes({ spot: 19, strike: 19, rate: 0.1, carry: 0, vol: 0.28, time: 0.75 });
    close(bs.call, 1.7011);
    close(bs.put, 1.7011);
    const b76 = black76({ forward: 19, strike: 19, time: 0.75, vol: 0.28, discount: Math.exp(-0.1 * 0.75) });
    close(b76.call, 1.7011);
    close(b76.put, 1.7011);
  });

  it('delta: K=100 S=105 q=0.10 r=0.10 T=0.5 sigma=0.36', () => {
    const p = { spot: 105, strike: 100, rate: 0.1, carry: 0, vol: 0.36, time: 0.5 };
    close(blackScholesGreeks({ ...p, right: 'call' }).delta, 0.5946);
    close(blackScholesGreeks({ ...p, right: 'put' }).delta, -0.3566);
  });

  it('gamma and vega: K=60 S=55 q=0 r=0.10 T=0.75 sigma=0.30', () => {
    const g = blackScholesGreeks({
      spot: 55,
      strike: 60,
      rate: 0.1,
      carry: 0.1,
      vol: 0.3,
      time: 0.75,
      right: 'call',
    });
    close(g.gamma, 0.0278);
    close(g.vega, 18.9358);
  });

  it('theta: put K=405 S=430 q=0.05 r=0.07 T=1/12 sigma=0.20, per year', () => {
    const p = { spot: 430, strike: 405, rate: 0.07, carry: 0.02, vol: 0.2, time: 1 / 12 };
    close(blackScholesGreeks({ ...p, right: 'put' }).theta, -31.1924);
  });
});

describe('black76 (PMRM form)', () => {
  it('agrees with Black-Scholes on the forward when undiscounted', () => {
    for (const [F, K, T, v] of [
      [2000, 1400, 0.05, 0.5],
      [2000, 2600, 0.5, 0.8],
      [100, 100, 1, 0.2],
    ] as const) {
      const a = black76({ forward: F, strike: K, time: T, vol: v });
      const b = blackScholes({ spot: F, strike: K, rate: 0, carry: 0, vol: v, time: T });
      expect(a.call).toBeCloseTo(b.call, 9);
      expect(a.put).toBeCloseTo(b.put, 9);
    }
  });

  it('prices at the bounds: K=0, huge variance, expired', () => {
    expect(black76({ forward: 2000, strike: 0, time: 1, vol: 0.5 })).toEqual({ call: 2000, put: 0 });
    expect(black76({ forward: 2000, strike: 1500, time: 1, vol: 25 })).toEqual({ call: 2000, put: 1500 });
    expect(black76({ forward: 2000, strike: 1500, time: 0, vol: 0.5 })).toEqual({ call: 500, put: 0 });
    expect(black76({ forward: 2000, strike: 2500, time: -1, vol: 0.5 })).toEqual({ call: 0, put: 500 });
  });

  it('never returns a negative value or breaks the no-arbitrage bounds', () => {
    for (let k = 1; k < 10000; k += 97) {
      const { call, put } = black76({ forward: 2000, strike: k, time: 0.001, vol: 0.05 });
      expect(call).toBeGreaterThanOrEqual(0);
      expect(put).toBeGreaterThanOrEqual(0);
      expect(call).toBeLessThanOrEqual(2000);
      expect(put).toBeLessThanOrEqual(k);
    }
  });
});

describe('black76Greeks', () => {
  const base = { forward: 2004.7545, strike: 1800, time: 0.05, vol: 0.5 } as const;
  const value = (F: number, T: number = base.time, v: number = base.vol, r = 0) =>
    black76({ forward: F, strike: base.strike, time: T, vol: v, discount: Math.exp(-r * T) });

  it('matches finite differences (delta through dF/dS, gamma, vega, theta), with and without discount', () => {
    for (const r of [0, 0.05]) {
      for (const right of ['call', 'put'] as const) {
        const S = 2000;
        const fps = base.forward / S;
        const g = black76Greeks({ ...base, right, rate: r, forwardPerSpot: fps });
        const px = (s: number, T: number = base.time, v: number = base.vol) => value(s * fps, T, v, r)[right];
        const h = 0.01;
        expect(g.delta).toBeCloseTo((px(S + h) - px(S - h)) / (2 * h), 6);
        expect(g.gamma).toBeCloseTo((px(S + 1) - 2 * px(S) + px(S - 1)) / 1, 5);
        expect(g.vega).toBeCloseTo((px(S, base.time, 0.5 + 1e-5) - px(S, base.time, 0.5 - 1e-5)) / 2e-5, 3);
        const dt = 1e-6;
        expect(g.theta).toBeCloseTo(-(px(S, base.time + dt) - px(S, base.time - dt)) / (2 * dt), 1);
      }
    }
  });

  it('gives intrinsic delta and no other Greeks at expiry', () => {
    expect(black76Greeks({ forward: 110, strike: 100, time: 0, vol: 0.5, right: 'call' })).toEqual({
      delta: 1,
      gamma: 0,
      vega: 0,
      theta: 0,
    });
  });
});
