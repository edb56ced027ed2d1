import { AppError } from '@xmargin/errors';
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
  readonly base: Map<string, number>;
  readonly baseAssets: BaseCollateral[];
  readonly others: OtherCollateral[];
  readonly warnings: MarginWarning[];
}

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

/**
 * Sums balances per asset across chains, drops stale ones (older than `collateralMaxAgeSeconds`) and
 * unsupported assets (absent from `params.assets`) with a warning, and splits the rest into
 * risk-cancelling base per underlying and other collateral.
 */
export function resolveCollateral(
  ctx: MarginContext,
  balances: readonly CollateralBalance[],
): ResolvedCollateral {
  const warnings: MarginWarning[] = [];
  const amounts = new Map<string, number>();
  const maxAge = ctx.params.collateralMaxAgeSeconds;
  balances.forEach((c, i) => {
    const path = `account.collateral.${i}`;
    if (maxAge !== null && c.observedAt !== undefined && ctx.asOf - c.observedAt > maxAge) {
      warnings.push({
        code: 'COLLATERAL_STALE',
        path,
        message: `${c.asset} balance observed ${ctx.asOf - c.observedAt}s before asOf (limit ${maxAge}s) counts at zero`,
      });
      return;
    }
    if (!ctx.params.assets[c.asset]) {
      warnings.push({
        code: 'COLLATERAL_UNSUPPORTED',
        path,
        message: `${c.asset} is not an accepted collateral asset and counts at zero`,
      });
      return;
    }
    amounts.set(c.asset, (amounts.get(c.asset) ?? 0) + c.amount);
  });
  const base = new Map<string, number>();
  const baseAssets: BaseCollateral[] = [];
  const others: OtherCollateral[] = [];
  for (const [asset, amount] of amounts) {
    const a = ctx.params.assets[asset]!;
    if (a.underlying !== undefined && ctx.markets.has(a.underlying)) {
      base.set(a.underlying, (base.get(a.underlying) ?? 0) + amount);
      baseAssets.push({ asset, underlying: a.underlying, amount, params: a });
      continue;
    }
    const price = ctx.prices[asset]?.price;
    if (price === undefined) throw new AppError('RISK__MISSING_PRICE', { context: { asset } });
    others.push({ asset, value: amount * price, params: a });
  }
  return { base, baseAssets, others, warnings };
}
