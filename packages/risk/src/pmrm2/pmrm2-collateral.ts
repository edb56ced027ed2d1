import { AppError, formatIssuePath } from '@xmargin/errors';
import { mmHaircut, resolveBalances } from '../model/collateral.js';
import type { AssetParams, CollateralBalance, MarginWarning } from '../types.js';
import type { Pmrm2Context } from './pmrm2-context.js';

/** One collateral asset of an account under pmrm-2, valued at its own price (section 9.2). */
export interface Pmrm2Collateral {
  readonly asset: string;
  readonly amount: number;
  /** Value in stable units: amount * price / P$. */
  readonly value: number;
  /** The market it moves with, when risk-cancelling. */
  readonly underlying: string | undefined;
  /** min(price confidence, cS) (section 9.2). */
  readonly confidence: number;
  readonly params: AssetParams;
}

export interface Pmrm2ResolvedCollateral {
  readonly assets: readonly Pmrm2Collateral[];
  readonly warnings: readonly MarginWarning[];
}

/** What one collateral asset adds to the requirements (section 9.4), in stable units. */
export interface CollateralCharge {
  mm: number;
  im: number;
}

/** conf(c, N) of section 9.4: the confidence add-on of notional N at confidence c. */
export function confidenceCharge(ctx: Pmrm2Context, c: number, notional: number): number {
  const { threshold, margin } = ctx.params.confidence;
  return c < threshold ? (1 - c) * margin * notional : 0;
}

/**
 * pmrm-2 collateral ({@link resolveBalances}, as PMRM v1): each asset valued at its own price,
 * `prices[asset]`, else the spot of the market named by the asset's `underlying`. Risk-cancelling
 * defaults to "the underlying names a market".
 */
export function resolvePmrm2Collateral(
  ctx: Pmrm2Context,
  balances: readonly CollateralBalance[],
): Pmrm2ResolvedCollateral {
  const { items, warnings } = resolveBalances(
    (asset, amount, a) => valueAsset(ctx, asset, amount, a),
    ctx,
    balances,
  );
  return { assets: items, warnings };
}

function valueAsset(ctx: Pmrm2Context, asset: string, amount: number, a: AssetParams): Pmrm2Collateral {
  const market = a.underlying === undefined ? undefined : ctx.markets.get(a.underlying);
  const riskCancelling = a.riskCancelling ?? market !== undefined;
  if (riskCancelling && !market) {
    throw new AppError('RISK__INVALID_INPUT', {
      context: {
        path: formatIssuePath(['params', 'assets', asset, 'riskCancelling']),
        reason: `risk-cancelling needs an underlying that names a market of the document`,
      },
    });
  }
  const quote = ctx.prices[asset];
  let price: number;
  let priceConfidence: number;
  if (quote) {
    price = quote.price;
    priceConfidence = quote.confidence ?? 1;
  } else if (market) {
    price = market.spot;
    priceConfidence = market.spotConfidence;
  } else {
    throw new AppError('RISK__MISSING_PRICE', { context: { asset } });
  }
  const cS = riskCancelling ? market!.spotConfidence : ctx.minSpotConfidence;
  return {
    asset,
    amount,
    value: (amount * price) / ctx.stablePrice,
    underlying: riskCancelling ? market!.name : undefined,
    confidence: Math.min(priceConfidence, cS),
    params: a,
  };
}

/** Haircuts and confidence add-on of one asset: risk-cancelling collateral is charged too. */
export function collateralCharge(ctx: Pmrm2Context, c: Pmrm2Collateral): CollateralCharge {
  const mm = mmHaircut(c.value, c.params);
  return { mm, im: mm + c.value * (c.params.imHaircut ?? 0) + confidenceCharge(ctx, c.confidence, c.value) };
}

/** Sum of {@link collateralCharge} over an account's collateral. */
export function collateralCharges(ctx: Pmrm2Context, col: Pmrm2ResolvedCollateral): CollateralCharge {
  const total = { mm: 0, im: 0 };
  for (const c of col.assets) {
    const ch = collateralCharge(ctx, c);
    total.mm += ch.mm;
    total.im += ch.im;
  }
  return total;
}
