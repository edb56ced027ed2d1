import { AppError, formatIssuePath } from '@xmargin/errors';
import type { AssetParams, CollateralBalance, MarginWarning } from '../types.js';
import type { MarginContext } from './context.js';

/** Collateral that does not move with an underlying: valued at its price, charged haircuts. */
export interface OtherCollateral {
  readonly asset: string;
  /** USD value (amount x price). */
  readonly value: number;
  readonly params: AssetParams;
}

/** Collateral that tracks an underlying (risk-cancelling in the portfolio mode). */
export interface BaseCollateral {
  readonly asset: string;
  readonly underlying: string;
  readonly amount: number;
  readonly params: AssetParams;
}

export interface ResolvedCollateral {
  /** Risk-cancelling amount per underlying (PMRM `base`). */
  readonly base: ReadonlyMap<string, number>;
  readonly baseAssets: readonly BaseCollateral[];
  readonly others: readonly OtherCollateral[];
  readonly warnings: readonly MarginWarning[];
}

// Shared by every resolution that has none: a book resolves the collateral of every account, mostly one
// balance or none.
const NO_BASE: ReadonlyMap<string, number> = new Map();
const NO_BASE_ASSETS: readonly BaseCollateral[] = [];
const NO_OTHERS: readonly OtherCollateral[] = [];
const NO_WARNINGS: readonly MarginWarning[] = [];

/**
 * Haircut (USD) of a collateral value. Tiers are marginal bands: each band's slice of the value gets
 * its haircut; value above the last bounded band counts at zero (haircut 1) unless the last band has
 * no `upTo`. Without tiers the flat `mmHaircut` applies.
 */
export function mmHaircut(value: number, a: AssetParams): number {
  if (!a.tiers || a.tiers.length === 0) return value * (a.mmHaircut ?? 0);
  let charged = 0;
  let lower = 0;
  for (const t of a.tiers) {
    const upper = t.upTo ?? Number.POSITIVE_INFINITY;
    if (value <= lower) return charged;
    charged += (Math.min(value, upper) - lower) * t.haircut;
    lower = upper;
  }
  return value > lower ? charged + (value - lower) : charged;
}

/** Extra IM haircut on top of the MM haircut. */
export function imHaircutExtra(value: number, a: AssetParams): number {
  return value * (a.imHaircut ?? 0);
}

/** What the shared collateral resolution reads of either model's context. */
export interface CollateralContext {
  readonly asOf: number;
  readonly params: {
    readonly collateralMaxAgeSeconds: number | null;
    readonly assets: Readonly<Record<string, AssetParams>>;
  };
}

/**
 * The amount of a balance that counts: all of an escrowed one (a balance without a class is escrowed),
 * `1 - unescrowedHaircut` (default 1, so nothing) of an unescrowed one.
 */
export function countedAmount(c: CollateralBalance, a: AssetParams): number {
  return c.trust === 'unescrowed' ? c.amount * (1 - (a.unescrowedHaircut ?? 1)) : c.amount;
}

/**
 * The collateral resolution both models share: sums balances per asset across chains (an unescrowed
 * balance at its {@link countedAmount}), drops stale balances (older than `collateralMaxAgeSeconds`)
 * and unsupported assets (absent from `params.assets`) with a warning, then hands each asset's total
 * to `value`, the model's own valuation, in first-seen order.
 */
export function resolveBalances<T>(
  value: (asset: string, amount: number, params: AssetParams) => T,
  ctx: CollateralContext,
  balances: readonly CollateralBalance[],
): { items: T[]; warnings: readonly MarginWarning[] } {
  let warnings: MarginWarning[] | undefined;
  // Totals per asset in first-seen order: an account holds a few assets (lists at most as long as the
  // balances, not a map).
  const assets = new Array<string>(balances.length);
  const amounts = new Array<number>(balances.length);
  let count = 0;
  const maxAge = ctx.params.collateralMaxAgeSeconds;
  for (let i = 0; i < balances.length; i++) {
    const c = balances[i]!;
    if (maxAge !== null && c.observedAt !== undefined && ctx.asOf - c.observedAt > maxAge) {
      warnings ??= [];
      warnings.push({
        code: 'COLLATERAL_STALE',
        path: formatIssuePath(['account', 'collateral', i]),
        message: `${c.asset} balance observed ${ctx.asOf - c.observedAt}s before asOf (limit ${maxAge}s) counts at zero`,
      });
      continue;
    }
    const a = ctx.params.assets[c.asset];
    if (!a) {
      warnings ??= [];
      warnings.push({
        code: 'COLLATERAL_UNSUPPORTED',
        path: formatIssuePath(['account', 'collateral', i]),
        message: `${c.asset} is not an accepted collateral asset and counts at zero`,
      });
      continue;
    }
    let k = 0;
    while (k < count && assets[k] !== c.asset) k++;
    if (k === count) {
      assets[count] = c.asset;
      amounts[count++] = 0 + countedAmount(c, a);
    } else amounts[k]! += countedAmount(c, a);
  }
  const items = new Array<T>(count);
  for (let k = 0; k < count; k++) items[k] = value(assets[k]!, amounts[k]!, ctx.params.assets[assets[k]!]!);
  return { items, warnings: warnings ?? NO_WARNINGS };
}

/**
 * PMRM v1 collateral ({@link resolveBalances}): risk-cancelling base per underlying, and other
 * collateral valued at its price.
 */
export function resolveCollateral(
  ctx: MarginContext,
  balances: readonly CollateralBalance[],
): ResolvedCollateral {
  let base: Map<string, number> | undefined;
  let baseAssets: BaseCollateral[] | undefined;
  let others: OtherCollateral[] | undefined;
  const { warnings } = resolveBalances(
    (asset, amount, a) => {
      if (a.underlying !== undefined && ctx.markets.has(a.underlying)) {
        base ??= new Map();
        base.set(a.underlying, (base.get(a.underlying) ?? 0) + amount);
        baseAssets ??= [];
        baseAssets.push({ asset, underlying: a.underlying, amount, params: a });
        return;
      }
      const price = ctx.prices[asset]?.price;
      if (price === undefined) throw new AppError('RISK__MISSING_PRICE', { context: { asset } });
      others ??= [];
      others.push({ asset, value: amount * price, params: a });
    },
    ctx,
    balances,
  );
  return {
    base: base ?? NO_BASE,
    baseAssets: baseAssets ?? NO_BASE_ASSETS,
    others: others ?? NO_OTHERS,
    warnings,
  };
}
