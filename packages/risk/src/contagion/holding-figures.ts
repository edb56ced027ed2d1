import { AppError } from '@xmargin/errors';
import { optionValue, volFor } from '../model/option-value.js';
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
    const a = ctx.params.assets[c.asset];
    const underlying = a?.underlying;
    if (underlying !== undefined && ctx.markets.has(underlying)) {
      // Risk-cancelling collateral is sold into its market, at the market's spot.
      const value = (c.amount * ctx.markets.get(underlying)!.spot) / P;
      push(c.chain, value, underlying, c.amount, value);
      continue;
    }
    const price = ctx.prices[c.asset]?.price;
    if (price === undefined) throw new AppError('RISK__MISSING_PRICE', { context: { asset: c.asset } });
    const value = (c.amount * price) / P;
    push(c.chain, value, c.asset, c.amount, value);
  }
  u.positions.forEach(({ chain, position: p }, index) => {
    const m = ctx.markets.get(p.underlying);
    if (!m)
      throw new AppError('RISK__MISSING_MARKET', { context: { underlying: p.underlying, position: index } });
    const S = m.spot;
    const n = (Math.abs(p.quantity) * S) / P;
    if (p.type === 'perp') {
      const Fp = m.perpPrice;
      if (Fp === undefined) {
        throw new AppError('RISK__INVALID_INPUT', {
          context: { path: `markets.${p.underlying}.perp`, reason: 'a perp position needs a perp price' },
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
    const key = `${p.underlying}|${p.expiry}|${p.strike}|${p.right}`;
    let unit = state.options.get(key);
    if (!unit) {
      const vol = volFor(e, p.strike);
      const g = black76Greeks({
        forward: e.forward,
        strike: p.strike,
        time: e.time,
        vol,
        right: p.right,
        rate: ctx.params.discountOptionValues ? e.rate : 0,
        forwardPerSpot,
      });
      unit = [optionValue(e, { strike: p.strike, right: p.right, vol }, 1, 1, false), g.delta];
      state.options.set(key, unit);
    }
    push(chain, n, p.underlying, p.quantity * unit[1], p.quantity * unit[0]);
  });
  return out;
}
