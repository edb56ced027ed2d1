import { isAppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import { resolveParams } from '../params/resolve-params.js';
import { presets } from './index.js';

describe('pmrm-v1-mainnet preset', () => {
  const p = resolveParams({ preset: 'pmrm-v1-mainnet' });

  it('has the 23 scenarios of spec section 7', () => {
    expect(p.scenarios).toHaveLength(23);
    const key = (s: { spotShock: number; vol: string }) => `${s.spotShock}/${s.vol}`;
    const keys = new Set(p.scenarios.map(key));
    for (const k of [0.85, 0.9, 0.95, 1, 1.05, 1.1, 1.15]) {
      for (const v of ['up', 'none', 'down']) expect(keys.has(`${k}/${v}`)).toBe(true);
    }
    expect(keys.has('0.8/up') && keys.has('1.2/up')).toBe(true);
    expect(p.scenarios.every((s) => s.weight === 1)).toBe(true);
  });

  it('has the published parameter values', () => {
    expect(p.basis).toEqual({ spotUp: 1.05, spotDown: 0.95, addFactor: 1, multFactor: 1.2 });
    expect(p.peg).toEqual({ threshold: 0.99, factor: 4 });
    expect(p.confidence).toEqual({ threshold: 0.55, margin: 1 });
    expect(p.contingency).toEqual({ basePercent: 0.03, perpPercent: 0.03, optionPercent: 0.02 });
    expect(p.imFactor).toBe(1.25);
    expect(p.staticDiscount).toEqual({ base: 0.95, rateMultScale: 1, rateAddScale: 0.12 });
    expect(p.volShock).toMatchObject({
      rangeUp: 0.6,
      rangeDown: 0.3,
      shortTermPower: 0.3,
      longTermPower: 0.13,
      dteFloorSeconds: 86400,
    });
  });
});

describe('deribit-like preset', () => {
  const p = resolveParams({ preset: 'deribit-like' });

  it('has 27 core scenarios and 8 weighted tail moves', () => {
    expect(p.scenarios).toHaveLength(35);
    const core = p.scenarios.filter((s) => s.weight === 1);
    expect(new Set(core.map((s) => s.spotShock))).toEqual(
      new Set([0.84, 0.88, 0.92, 0.96, 1, 1.04, 1.08, 1.12, 1.16]),
    );
    const tails = p.scenarios.filter((s) => s.weight !== 1);
    expect(tails.map((s) => s.spotShock)).toEqual([0.34, 0.67, 1.5, 2, 3, 4, 5, 6]);
    for (const t of tails) {
      expect(t.vol).toBe('up');
      expect(t.weight).toBeCloseTo(0.1386 / Math.abs(t.spotShock - 1), 12);
    }
  });
});

describe('resolveParams', () => {
  it('applies overrides deeply and replaces arrays', () => {
    const p = resolveParams({
      preset: 'pmrm-v1-mainnet',
      overrides: { imFactor: 1.3, basis: { addFactor: 0.5 }, scenarios: [{ spotShock: 0.9, vol: 'down' }] },
    });
    expect(p.imFactor).toBe(1.3);
    expect(p.basis).toEqual({ spotUp: 1.05, spotDown: 0.95, addFactor: 0.5, multFactor: 1.2 });
    expect(p.scenarios).toEqual([{ spotShock: 0.9, vol: 'down', weight: 1 }]);
    expect(resolveParams({ preset: 'pmrm-v1-mainnet' }).imFactor).toBe(1.25);
  });

  it('fills optional fields of a full object with defaults', () => {
    const full = { ...presets['pmrm-v1-mainnet']! };
    delete full.cross;
    delete full.mmFactor;
    delete full.collateralMaxAgeSeconds;
    const p = resolveParams(full);
    expect(p.mmFactor).toBe(1);
    expect(p.collateralMaxAgeSeconds).toBeNull();
    expect(p.cross.optionShortA).toBe(0.15);
  });

  it('rejects an unknown preset and an incomplete object with stable codes', () => {
    try {
      resolveParams({ preset: 'nope' });
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'RISK__UNKNOWN_PRESET')).toBe(true);
    }
    try {
      resolveParams({ imFactor: 1 });
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e, 'RISK__INVALID_INPUT') && e.context).toEqual({
        path: '$.params.volShock',
        reason: 'required when no preset is named',
      });
    }
  });
});
