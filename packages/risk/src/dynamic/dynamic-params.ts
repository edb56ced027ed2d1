import { AppError } from '@xmargin/errors';
import { resolveParams } from '../params/resolve-params.js';
import type { AssetParams, ParamsInput, ParamsSpec } from '../types.js';

/** How one asset (an underlying or a collateral asset) is scaled by its volatility. */
export interface DynamicAssetPolicy {
  /** `auto`: follows volatility; `pinned`: held at `pinnedScale`; `disabled`: scale 1 (base params). */
  readonly mode: 'auto' | 'pinned' | 'disabled';
  /** Volatility at which the scale is 1. */
  readonly referenceVol: number;
  /** Operator bounds on the scale. */
  readonly floor: number;
  readonly cap: number;
  readonly pinnedScale?: number | undefined;
}

export interface DynamicPolicy {
  /** Half-life of the EWMA volatility estimate. */
  readonly halfLifeSeconds: number;
  /** A scale changes at most once per interval, by at most `maxStep` relative (0.25 = 25%). */
  readonly intervalSeconds: number;
  readonly maxStep: number;
  readonly assets: Readonly<Record<string, DynamicAssetPolicy>>;
}

/** The scale an asset moves to: its volatility target within the bounds, one bounded step at a time. */
export function nextScale(
  current: number,
  vol: number,
  secondsSinceChange: number,
  asset: DynamicAssetPolicy,
  policy: Pick<DynamicPolicy, 'intervalSeconds' | 'maxStep'>,
): number {
  if (asset.mode === 'disabled') return 1;
  if (asset.mode === 'pinned') return asset.pinnedScale ?? current;
  if (!(asset.floor > 0) || !(asset.cap >= asset.floor) || !(asset.referenceVol > 0)) {
    throw new AppError('RISK__INVALID_INPUT', {
      context: { path: '$.dynamic.assets', reason: 'needs referenceVol > 0 and 0 < floor <= cap' },
    });
  }
  const target = Math.min(asset.cap, Math.max(asset.floor, vol / asset.referenceVol));
  if (secondsSinceChange < policy.intervalSeconds) return current;
  const lo = current / (1 + policy.maxStep);
  const hi = current * (1 + policy.maxStep);
  // Bounded by the step and, always, by the operator's floor and cap.
  return Math.min(asset.cap, Math.max(asset.floor, Math.min(hi, Math.max(lo, target))));
}

/**
 * The parameter spec scaled by per-asset scales: an underlying's spot shocks widen in log space
 * (`k' = k^scale`, so a shock stays positive and 1 stays 1; skew scenarios are untouched) through
 * `underlyings[U].scenarios`, and a collateral asset's haircuts scale (`mmHaircut`, tiers and
 * `imHaircut`, capped so that they never exceed the whole value). Assets at scale 1 are left out.
 */
export function scaleParams(base: ParamsSpec, scales: Readonly<Record<string, number>>): ParamsSpec {
  const resolved = resolveParams(base);
  const input: ParamsInput =
    'preset' in base && typeof base.preset === 'string' ? (base.overrides ?? {}) : (base as ParamsInput);
  const underlyings: Record<string, NonNullable<ParamsInput['underlyings']>[string]> = {};
  const assets: Record<string, AssetParams> = {};
  for (const [name, scale] of Object.entries(scales)) {
    if (scale === 1) continue;
    const market = resolved.underlyings[name] ?? resolved;
    underlyings[name] = {
      ...input.underlyings?.[name],
      scenarios: market.scenarios.map((s) => ({ ...s, spotShock: s.spotShock ** scale })),
    };
    const a = resolved.assets[name];
    if (a !== undefined) {
      const mm = Math.min(1, (a.mmHaircut ?? 0) * scale);
      const scaled: AssetParams = {
        ...a,
        mmHaircut: mm,
        imHaircut: Math.min(1 - mm, (a.imHaircut ?? 0) * scale),
      };
      if (a.tiers) scaled.tiers = a.tiers.map((t) => ({ ...t, haircut: Math.min(1, t.haircut * scale) }));
      assets[name] = scaled;
    }
  }
  const scaled: ParamsInput = {
    ...input,
    ...(Object.keys(underlyings).length > 0 ? { underlyings: { ...input.underlyings, ...underlyings } } : {}),
    ...(Object.keys(assets).length > 0 ? { assets: { ...resolved.assets, ...assets } } : {}),
  };
  return 'preset' in base && typeof base.preset === 'string'
    ? { preset: base.preset, overrides: scaled }
    : scaled;
}
