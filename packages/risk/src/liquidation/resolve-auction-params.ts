import { AppError } from '@xmargin/errors';
import { auctionPresets, DEFAULT_AUCTION_PRESET } from './auction-presets.js';
import type { AuctionParams, AuctionParamsSpec } from './types.js';

const FIELDS = [
  'startPercent',
  'cutoffPercent',
  'fastSeconds',
  'slowSeconds',
  'insolventSeconds',
  'feePercent',
  'bufferPercent',
  'mtmCutoff',
] as const satisfies readonly (keyof AuctionParams)[];

function invalid(path: string, reason: string): AppError<'LIQUIDATION__INVALID_PARAMS'> {
  return new AppError('LIQUIDATION__INVALID_PARAMS', { context: { path, reason } });
}

/**
 * Every way `params` breaks the validity rule of spec section 2, as `{path, reason}` (empty: valid).
 * Paths are the field names; the schemas prefix them with where the params sit.
 */
export function auctionParamsIssues(p: AuctionParams): { path: string; reason: string }[] {
  const issues: { path: string; reason: string }[] = [];
  const add = (path: string, reason: string) => issues.push({ path, reason });
  for (const f of FIELDS) {
    if (typeof p[f] !== 'number' || !Number.isFinite(p[f])) add(f, 'must be a finite number');
  }
  if (issues.length > 0) return issues;
  if (p.cutoffPercent < 0) add('cutoffPercent', 'must be >= 0');
  if (p.cutoffPercent > p.startPercent) add('cutoffPercent', 'must be <= startPercent');
  if (p.startPercent > 1) add('startPercent', 'must be <= 1');
  if (p.feePercent < 0 || p.feePercent > 0.1) add('feePercent', 'must be in [0, 0.1]');
  if (p.bufferPercent < 0 || p.bufferPercent > 4) add('bufferPercent', 'must be in [0, 4]');
  if (p.mtmCutoff > 1000) add('mtmCutoff', 'must be <= 1000');
  for (const f of ['fastSeconds', 'slowSeconds', 'insolventSeconds'] as const) {
    if (!Number.isInteger(p[f]) || p[f] < 0) add(f, 'must be an integer >= 0');
  }
  if (p.fastSeconds + p.slowSeconds <= 0) add('slowSeconds', 'fastSeconds + slowSeconds must be > 0');
  return issues;
}

/**
 * Resolves auction `params` (a preset with overrides, all eight fields, or nothing for the default
 * `derive-mainnet`) and checks them against spec section 2. Throws LIQUIDATION__UNKNOWN_PRESET or
 * LIQUIDATION__INVALID_PARAMS (the first problem; `auctionParamsIssues` lists them all).
 */
export function resolveAuctionParams(spec?: AuctionParamsSpec | undefined): AuctionParams {
  let params: AuctionParams;
  if (spec === undefined || 'preset' in spec) {
    const name = spec?.preset ?? DEFAULT_AUCTION_PRESET;
    const preset = auctionPresets[name];
    if (!preset) {
      throw new AppError('LIQUIDATION__UNKNOWN_PRESET', {
        context: { preset: name, known: Object.keys(auctionPresets) },
      });
    }
    params = { ...preset };
    const overrides = spec?.overrides ?? {};
    for (const f of FIELDS) {
      const v = overrides[f];
      if (v !== undefined) params[f] = v;
    }
  } else {
    params = {} as AuctionParams;
    for (const f of FIELDS) params[f] = spec[f];
  }
  const [first] = auctionParamsIssues(params);
  if (first) throw invalid(first.path, first.reason);
  return params;
}
