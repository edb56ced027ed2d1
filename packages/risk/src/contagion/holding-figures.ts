import { AppError, formatIssuePath } from '@xmargin/errors';
import { isPmrm2, type ModelContext } from '../book/model-context.js';
import type { ExpiryContext } from '../model/context.js';
import { optionValue, volFor } from '../model/option-value.js';
import type { Pmrm2Expiry } from '../pmrm2/pmrm2-context.js';
import { pmrm2OptionValue } from '../pmrm2/pmrm2-pricing.js';
import { black76Greeks } from '../pricing/greeks.js';
import type { PriceState } from './evaluator.js';
import type { AssetUniverse } from './price-state.js';
import type { StressUnit } from './units.js';

/**
 * What a unit holds, per holding (collateral first, then positions, each in input order), at one price
 * state (section 2): notional n (|q|*S_U or amount*price, over P$), the asset its flow goes into, the
 * flow phi (units sold when the holding is liquidated) and its value v (its part of the equity).
 */
export interface HoldingFigures {
  readonly chain: string[];
  readonly notional: number[];
  readonly asset: number[];
  readonly flow: number[];
  readonly value: number[];
}

/**
 * Where a collateral asset's price comes from and where its flow goes, under the document's model:
 * risk-cancelling collateral moves with (and is sold into) its market; under PMRM v1 it is valued at
 * that market's spot, under pmrm-2 at its own price when quoted (risk-model.md 9.2). Other collateral
 * is valued at and sold into its own `prices` key, or (pmrm-2, unquoted) its underlying's market.
 */
export function collateralSource(
  ctx: ModelContext,
  asset: string,
): {
  readonly flowInto: string;
  /** The price asset (market or `prices` key) it is valued at. */
  readonly valuedAt: string;
  readonly price: number | undefined;
  readonly riskCancelling: boolean;
} {
  const a = ctx.params.assets[asset];
  const underlying = a?.underlying;
  const market = underlying === undefined ? undefined : ctx.markets.get(underlying);
  const quote = ctx.prices[asset]?.price;
  const riskCancelling = isPmrm2(ctx) ? (a?.riskCancelling ?? market !== undefined) : market !== undefined;
  if (market && (riskCancelling || quote === undefined)) {
    // PMRM v1 values risk-cancelling collateral at its market's spot; pmrm-2 at its own price first.
    const own = isPmrm2(ctx) && quote !== undefined;
    return {
      flowInto: underlying!,
      valuedAt: own ? asset : underlying!,
      price: own ? quote : market.spot,
      riskCancelling,
    };
  }
  return { flowInto: asset, valuedAt: asset, price: quote, riskCancelling };
}

/** Unit value and spot delta of an option at a state, as the selected model prices it. */
function optionFigures(
  ctx: ModelContext,
  e: ExpiryContext | Pmrm2Expiry,
  strike: number,
  right: 'call' | 'put',
  forwardPerSpot: number,
): readonly [number, number] {
  const pmrm2 = isPmrm2(ctx);
  const vol = volFor(e, strike);
  const g = black76Greeks({
    forward: e.forward,
    strike,
    time: e.time,
    vol,
    right,
    rate: ctx.params.discountOptionValues ? e.rate : 0,
    forwardPerSpot,
  });
  const value = pmrm2
    ? pmrm2OptionValue(e as Pmrm2Expiry, { strike, right }, 1, vol)
    : optionValue(e as ExpiryContext, { strike, right, vol }, 1, 1, false);
  return [value, g.delta];
}

export function holdingFigures(state: PriceState, universe: AssetUniverse, u: StressUnit): HoldingFigures {
  const { ctx } = state;
  const out: HoldingFigures = { chain: [], notional: [], asset: [], flow: [], value: [] };
  const P = ctx.stablePrice;
  const push = (chain: string, n: number, asset: string, phi: number, v: number) => {
    out.chain.push(chain);
    out.notional.push(n);
    out.asset.push(universe.index.get(asset)!);
    out.flow.push(phi);
    out.value.push(v);
  };
  for (const c of u.collateral) {
    const { flowInto, price } = collateralSource(ctx, c.asset);
    if (price === undefined) throw new AppError('RISK__MISSING_PRICE', { context: { asset: c.asset } });
    const value = (c.amount * price) / P;
    push(c.chain, value, flowInto, c.amount, value);
  }
  u.positions.forEach((p, index) => {
    const { chain } = p;
    const m = ctx.markets.get(p.underlying);
    if (!m)
      throw new AppError('RISK__MISSING_MARKET', { context: { underlying: p.underlying, position: index } });
    const S = m.spot;
    const n = (Math.abs(p.quantity) * S) / P;
    if (p.type === 'perp') {
      const Fp = m.perpPrice;
      if (Fp === undefined) {
        throw new AppError('RISK__INVALID_INPUT', {
          context: {
            path: formatIssuePath(['markets', p.underlying, 'perp']),
            reason: 'a perp position needs a perp price',
          },
        });
      }
      push(
        chain,
        n,
        p.underlying,
        (p.quantity * Fp) / S,
        p.quantity * (Fp - p.entryPrice) + (p.funding ?? 0),
      );
      return;
    }
    const e = m.expiries.get(p.expiry);
    if (!e) {
      throw new AppError('RISK__MISSING_EXPIRY', {
        context: { underlying: p.underlying, expiry: p.expiry, position: index },
      });
    }
    const forwardPerSpot = (e.forward - e.forwardFixed) / S;
    if (p.type === 'future') {
      push(chain, n, p.underlying, p.quantity * forwardPerSpot, p.quantity * (e.forward - p.entryPrice));
      return;
    }
    // Per expiry (its context object at this state), strike and right: no key strings per holding.
    let byStrike = state.options.get(e);
    if (!byStrike) {
      byStrike = new Map();
      state.options.set(e, byStrike);
    }
    let pair = byStrike.get(p.strike);
    if (!pair) {
      pair = [undefined, undefined];
      byStrike.set(p.strike, pair);
    }
    const side = p.right === 'call' ? 0 : 1;
    let unit = pair[side];
    if (!unit) {
      unit = optionFigures(ctx, e, p.strike, p.right, forwardPerSpot);
      pair[side] = unit;
    }
    push(chain, n, p.underlying, p.quantity * unit[1], p.quantity * unit[0]);
  });
  return out;
}
