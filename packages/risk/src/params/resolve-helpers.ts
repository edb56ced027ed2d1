import { AppError, formatIssuePath } from '@xmargin/errors';
import type { AssetParams, ParamsInput, RiskParams, UnderlyingParamsInput } from '../types.js';

// Building blocks shared by the resolvers of both models.

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
export function deepMerge<T>(base: T, patch: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : patch) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = deepMerge(out[k], v);
  }
  return out as T;
}

export function invalid(path: string, reason: string): AppError<'RISK__INVALID_INPUT'> {
  return new AppError('RISK__INVALID_INPUT', {
    context: { path: formatIssuePath(['params', ...path.split('.')]), reason },
  });
}

export function required<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw invalid(path, 'required when no preset is named');
  return value;
}

/** Throws when `value` is present: a field of the other model's shape. */
export function forbidden(value: unknown, path: string, model: string): void {
  if (value !== undefined) throw invalid(path, `not a ${model} parameter`);
}

/** Each underlying's overrides merged over the document-wide per-market fields, then resolved. */
export function resolveUnderlyings<M>(
  input: ParamsInput,
  resolveMarket: (merged: UnderlyingParamsInput, path: string) => M,
): Record<string, M> {
  const out: Record<string, M> = {};
  for (const [u, overrides] of Object.entries(input.underlyings ?? {})) {
    const merged = deepMerge<UnderlyingParamsInput>(
      {
        scenarios: input.scenarios,
        basis: input.basis,
        volShock: input.volShock,
        skew: input.skew,
        staticDiscount: input.staticDiscount,
        contingency: input.contingency,
      },
      overrides,
    );
    out[u] = resolveMarket(merged, `underlyings.${u}.`);
  }
  return out;
}

/** Copies `params.assets`; `check` validates each entry under the model (`unescrowedHaircut` in 0..1 here). */
export function resolveAssets(
  input: ParamsInput,
  check: (a: AssetParams, path: string) => void,
): Record<string, AssetParams> {
  const assets: Record<string, AssetParams> = {};
  for (const [k, v] of Object.entries(input.assets ?? {})) {
    check(v, `assets.${k}`);
    const h = v.unescrowedHaircut;
    if (h !== undefined && !(h >= 0 && h <= 1))
      throw invalid(`assets.${k}.unescrowedHaircut`, 'must be in 0..1');
    assets[k] = { ...v };
  }
  return assets;
}

export function resolveCross(input: ParamsInput): RiskParams['cross'] {
  return { ...DEFAULT_CROSS, ...(stripUndefined(input.cross ?? {}) as Partial<RiskParams['cross']>) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The account-level fields both models share (confidence charge, depeg, IM and MM factors, option
 * discounting with the model's default, collateral age limit, cross ratios).
 */
export function resolveShared(input: ParamsInput, discountOptionValues: boolean) {
  const conf = required(input.confidence, 'confidence');
  const peg = required(input.peg, 'peg');
  return {
    confidence: {
      threshold: required(conf.threshold, 'confidence.threshold'),
      margin: required(conf.margin, 'confidence.margin'),
    },
    peg: { threshold: required(peg.threshold, 'peg.threshold'), factor: required(peg.factor, 'peg.factor') },
    imFactor: required(input.imFactor, 'imFactor'),
    mmFactor: input.mmFactor ?? 1,
    discountOptionValues: input.discountOptionValues ?? discountOptionValues,
    collateralMaxAgeSeconds: input.collateralMaxAgeSeconds ?? null,
    cross: resolveCross(input),
  };
}
