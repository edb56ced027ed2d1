import { isAppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import { computeMargin } from '../compute-margin.js';
import { resolveParams } from '../params/resolve-params.js';
import type { MarginDocument, Pmrm2Params } from '../types.js';

describe('pmrm-2-mainnet preset (spec section 7)', () => {
  const p = resolveParams({ preset: 'pmrm-2-mainnet' }) as Pmrm2Params;

  it('is a pmrm-2 parameter set with the 33 scenarios in the deployed order', () => {
    expect(p.model).toBe('pmrm-2');
    const keys = p.scenarios.map((s) => `${s.spotShock}/${s.vol}/${s.weight}`);
    const expected = ['1.18/up/1'];
    for (const k of [1.135, 1.09, 1.045, 1, 0.955, 0.91, 0.865]) {
      for (const v of ['up', 'none', 'down']) expected.push(`${k}/${v}/1`);
    }
    expected.push('0.82/up/1');
    for (const k of [0.34, 0.67, 1.5, 2, 3, 4, 5, 6]) {
      const w = Number((0.1386 / Math.abs(k - 1)).toPrecision(6));
      expected.push(`${k}/up/${w}`);
    }
    expected.push('1/linear/1', '1/abs/1');
    expect(keys).toEqual(expected);
  });

  it('has the deployed parameter values', () => {
    expect(p.basis).toEqual({ spotUp: 1.045, spotDown: 0.955, addFactor: 0.5, multFactor: 2 });
    expect(p.peg).toEqual({ threshold: 0.99, factor: 4 });
    expect(p.confidence).toEqual({ threshold: 0.55, margin: 1 });
    expect(p.contingency).toEqual({
      mm: { perpPercent: 0.03, optionPercent: 0.003 },
      im: { perpPercent: 0.01, optionPercent: 0.002 },
    });
    expect([p.imFactor, p.mmFactor, p.discountOptionValues]).toEqual([1, 0.8, true]);
    expect(p.staticDiscount).toEqual({
      long: { base: 1.05, rateMultScale: 0, rateAddScale: 0.16 },
      short: { base: 0.95, rateMultScale: 0, rateAddScale: 0.16 },
    });
    expect(p.volShock).toEqual({
      rangeUp: 0.5,
      rangeDown: 0.3,
      shortTermPower: 0.3,
      longTermPower: 0.13,
      dteFloorSeconds: 86400,
      minVolUp: 0.4,
    });
    expect(p.skew).toEqual({
      linear: { baseCap: 0.25, capSlope: -0.1 },
      abs: { baseCap: 0.25, capSlope: -0.1 },
      minKStar: 0.01,
      widthScale: 4,
      volStatic: 0.6,
      volScale: 0,
    });
    const v1 = resolveParams({ preset: 'pmrm-v1-mainnet' });
    expect([p.assets, p.cross, p.collateralMaxAgeSeconds]).toEqual([
      v1.assets,
      v1.cross,
      v1.collateralMaxAgeSeconds,
    ]);
  });

  it('selects the pmrm-2 model in computeMargin', () => {
    const doc: MarginDocument = {
      version: 1,
      asOf: 0,
      params: { preset: 'pmrm-2-mainnet' },
      markets: { ETH: { spot: 2000, perp: { price: 2000 } } },
      account: { positions: [{ type: 'perp', underlying: 'ETH', quantity: 1, entryPrice: 2000 }] },
    };
    const r = computeMargin(doc);
    // Worst scenario: the 0.34 tail, weight 0.21: 0.21 * 0.66 * 2000 = 277.2 < 0.18 * 2000 = 360.
    expect(r.underlyings.ETH!.worstScenario).toEqual({ spotShock: 0.82, vol: 'up' });
    expect(r.maintenanceRequirement).toBeCloseTo(0.8 * 360 + 0.03 * 2000, 9);
    expect(r.initialRequirement).toBeCloseTo(360 + 0.03 * 2000 + 0.01 * 2000, 9);
  });
});

describe('model selection (spec section 9.1)', () => {
  const invalidPath = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (isAppError(e, 'RISK__INVALID_INPUT')) return e.context.path;
      throw e;
    }
    throw new Error('no error');
  };

  it('overrides may not set the model of a preset', () => {
    expect(
      invalidPath(() => resolveParams({ preset: 'pmrm-2-mainnet', overrides: { model: 'pmrm-1' } })),
    ).toBe('$.params.overrides.model');
  });

  it('refuses the pmrm-2 shapes under pmrm-1 and the v1 shapes under pmrm-2', () => {
    expect(
      invalidPath(() =>
        resolveParams({ preset: 'pmrm-v1-mainnet', overrides: { staticDiscount: { long: { base: 1 } } } }),
      ),
    ).toBe('$.params.staticDiscount.long');
    expect(
      invalidPath(() => resolveParams({ preset: 'pmrm-v1-mainnet', overrides: { skew: { minKStar: 1 } } })),
    ).toBe('$.params.skew');
    expect(
      invalidPath(() =>
        resolveParams({
          preset: 'pmrm-v1-mainnet',
          overrides: { scenarios: [{ spotShock: 1, vol: 'abs' }] },
        }),
      ),
    ).toBe('$.params.scenarios[0].vol');
    expect(
      invalidPath(() =>
        resolveParams({ preset: 'pmrm-v1-mainnet', overrides: { assets: { X: { riskCancelling: false } } } }),
      ),
    ).toBe('$.params.assets.X.riskCancelling');
    expect(
      invalidPath(() =>
        resolveParams({ preset: 'pmrm-2-mainnet', overrides: { contingency: { basePercent: 0.1 } } }),
      ),
    ).toBe('$.params.contingency.basePercent');
    expect(
      invalidPath(() =>
        resolveParams({
          preset: 'pmrm-2-mainnet',
          overrides: { scenarios: [{ spotShock: 1.1, vol: 'linear' }] },
        }),
      ),
    ).toBe('$.params.scenarios[0].spotShock');
    expect(
      invalidPath(() =>
        resolveParams({
          preset: 'pmrm-2-mainnet',
          overrides: { assets: { X: { mmHaircut: 0.7, imHaircut: 0.4 } } },
        }),
      ),
    ).toBe('$.params.assets.X.imHaircut');
  });

  it('defaults: discounting on under pmrm-2, off under pmrm-1', () => {
    expect(resolveParams({ preset: 'pmrm-v1-mainnet' }).discountOptionValues).toBe(false);
    const { discountOptionValues, ...rest } = resolveParams({ preset: 'pmrm-2-mainnet' }) as Pmrm2Params;
    expect(discountOptionValues).toBe(true);
    expect(rest.mmFactor).toBe(0.8);
  });
});
