import { AppError } from '@xmargin/errors';
import { presets } from '../presets/index.js';
import type { AssetParams, ParamsInput, ParamsSpec, RiskParams } from '../types.js';
import { cachedParams } from './params-cache.js';

const DEFAULT_CROSS: RiskParams['cross'] = {
  futureIm: 0.1,
  futureMm: 0.05,
  optionShortA: 0.15,
  optionShortB: 0.1,
  optionMmFactor: 0.5,
};

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Overrides merge into the preset object by object (a nested key replaces only itself); arrays such as
// `scenarios` and haircut `tiers` are replaced whole, because a partial scenario list has no meaning.
function deepMerge<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : patch) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = deepMerge(out[k], v);
  }
  return out as T;
}

function required<T>(value: T | undefined, path: string): T {
  if (value === undefined) {
    throw new AppError('RISK__INVALID_INPUT', {
      context: { path: `params.${path}`, reason: 'required when no preset is named' },
    });
  }
  return value;
}

/**
 * Resolves a document's `params` (a preset name with overrides, or a full parameter object) into the
 * complete parameter set. Optional fields default to: weight 1, minVolUp 0, mmFactor 1,
 * discountOptionValues false, no collateral age limit, no assets, Deribit-style cross ratios.
 * Memoised (see `params-cache.ts`): the result is frozen and shared by every equal `spec`.
 */
export function resolveParams(spec: ParamsSpec): RiskParams {
  return cachedParams(spec, resolveUncached);
}

function resolveUncached(spec: ParamsSpec): RiskParams {
  let input: ParamsInput;
  if ('preset' in spec && typeof spec.preset === 'string') {
    const preset = presets[spec.preset];
    if (!preset) {
      throw new AppError('RISK__UNKNOWN_PRESET', {
        context: { preset: spec.preset, known: Object.keys(presets) },
      });
    }
    input = deepMerge(preset, spec.overrides ?? {});
  } else {
    input = spec as ParamsInput;
  }
  const volShock = required(input.volShock, 'volShock');
  const basis = required(input.basis, 'basis');
  const sd = required(input.staticDiscount, 'staticDiscount');
  const cont = required(input.contingency, 'contingency');
  const conf = required(input.confidence, 'confidence');
  const peg = required(input.peg, 'peg');
  const scenarios = required(input.scenarios, 'scenarios');
  if (scenarios.length === 0) {
    throw new AppError('RISK__INVALID_INPUT', { context: { path: 'params.scenarios', reason: 'empty' } });
  }
  const assets: Record<string, AssetParams> = {};
  for (const [k, v] of Object.entries(input.assets ?? {})) assets[k] = { ...v };
  return {
    scenarios: scenarios.map((s) => ({ spotShock: s.spotShock, vol: s.vol, weight: s.weight ?? 1 })),
    basis: {
      spotUp: required(basis.spotUp, 'basis.spotUp'),
      spotDown: required(basis.spotDown, 'basis.spotDown'),
      addFactor: required(basis.addFactor, 'basis.addFactor'),
      multFactor: required(basis.multFactor, 'basis.multFactor'),
    },
    volShock: {
      rangeUp: required(volShock.rangeUp, 'volShock.rangeUp'),
      rangeDown: required(volShock.rangeDown, 'volShock.rangeDown'),
      shortTermPower: required(volShock.shortTermPower, 'volShock.shortTermPower'),
      longTermPower: required(volShock.longTermPower, 'volShock.longTermPower'),
      dteFloorSeconds: required(volShock.dteFloorSeconds, 'volShock.dteFloorSeconds'),
      minVolUp: volShock.minVolUp ?? 0,
    },
    staticDiscount: {
      base: required(sd.base, 'staticDiscount.base'),
      rateMultScale: required(sd.rateMultScale, 'staticDiscount.rateMultScale'),
      rateAddScale: required(sd.rateAddScale, 'staticDiscount.rateAddScale'),
    },
    contingency: {
      basePercent: required(cont.basePercent, 'contingency.basePercent'),
      perpPercent: required(cont.perpPercent, 'contingency.perpPercent'),
      optionPercent: required(cont.optionPercent, 'contingency.optionPercent'),
    },
    confidence: {
      threshold: required(conf.threshold, 'confidence.threshold'),
      margin: required(conf.margin, 'confidence.margin'),
    },
    peg: { threshold: required(peg.threshold, 'peg.threshold'), factor: required(peg.factor, 'peg.factor') },
    imFactor: required(input.imFactor, 'imFactor'),
    mmFactor: input.mmFactor ?? 1,
    discountOptionValues: input.discountOptionValues ?? false,
    collateralMaxAgeSeconds: input.collateralMaxAgeSeconds ?? null,
    assets,
    cross: { ...DEFAULT_CROSS, ...(stripUndefined(input.cross ?? {}) as Partial<RiskParams['cross']>) },
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
