import { AppError, formatIssuePath } from '@xmargin/errors';
import { isPmrm2, type ModelContext } from '../book/model-context.js';
import type { ExpiryContext } from '../model/context.js';
import { optionValue, volFor } from '../model/option-value.js';
import type { Pmrm2Expiry } from '../pmrm2/pmrm2-context.js';
import { pmrm2OptionValue } from '../pmrm2/pmrm2-pricing.js';
import { black76Greeks } from '../pricing/greeks.js';
import type { PriceState } from './evaluator.js';
import type { AssetUniverse } from './price-state.js';
import type { StressCollateral, StressPosition } from './types.js';
import type { StressUnit } from './units.js';

const NONE: readonly StressCollateral[] = [];
const NO_POSITIONS: readonly StressPosition[] = [];

/**
 * What units hold, per holding (collateral first, then positions, each in input order), at one price
 * state (section 2), in flat lists that many units append to (a unit's figures are a range of them):
 * notional n (|q|*S_U or amount*price, over P$), the chain, the asset its flow goes into and the flow
 * phi (units sold when the holding is liquidated). Its value v (its part of the equity) is read at the
 * execution state alone ({@link holdingValue}). One store serves a whole run: no lists per unit.
 */
export interface HoldingFigures {
  readonly chain: string[];
  readonly notional: number[];
  readonly asset: number[];
  readonly flow: number[];
  /** Figures in use: the next unit's start here (the lists keep their length, reused round after round). */
  count: number;
}

/**
 * Empty lists (JS arrays rather than typed arrays: see fast-evaluator.ts on ArrayBuffer memory; [0.5]:
 * doubles from the start).
 */
export function createHoldingFigures(): HoldingFigures {
  return { chain: [], notional: [0.5], asset: [], flow: [0.5], count: 0 };
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
export function optionFigures(
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

/**
 * Section 2's figures of each holding of a unit at a state, in holding order. With `out`: its notional,
 * chain, asset and flow appended to `out` (from `out.count`, which it advances), and N returned, the sum
 * of the notionals in holding order. Without: V returned, the sum of the holding values in holding
 * order (section 3 step 7), nothing written. Written straight into the run's lists (a copy through
 * scratch lists per unit was a tenth of an isolated run's round 1).
 */
function readHoldings(
  state: PriceState,
  universe: AssetUniverse,
  u: StressUnit,
  out: HoldingFigures | undefined,
): number {
  let total = collateralHoldings(state, universe, u, out);
  const { ctx } = state;
  const P = ctx.stablePrice;
  let w = out === undefined ? 0 : out.count;
  const chainOf = u.chain;
  const allPositions = u.account.positions ?? NO_POSITIONS;
  const np = u.positionCount;
  // The market and asset index of the last underlying met (a unit's positions are of one or two).
  let lastUnderlying: string | undefined;
  let market: ReturnType<typeof ctx.markets.get>;
  let asset = 0;
  for (let held = 0, j = 0; held < np; j++) {
    const p = allPositions[j]!;
    const { chain } = p;
    if (chainOf !== undefined && chain !== chainOf) continue;
    const index = held++;
    const q = u.quantity(index, p);
    if (p.underlying !== lastUnderlying) {
      market = ctx.markets.get(p.underlying);
      if (!market)
        throw new AppError('RISK__MISSING_MARKET', {
          context: { underlying: p.underlying, position: index },
        });
      lastUnderlying = p.underlying;
      asset = universe.index.get(p.underlying)!;
    }
    const m = market!;
    const S = m.spot;
    if (out !== undefined) {
      const notional = (Math.abs(q) * S) / P;
      total += notional;
      out.chain[w] = chain;
      out.notional[w] = notional;
      out.asset[w] = asset;
    }
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
      if (out === undefined) total += q * (Fp - p.entryPrice) + (u.funding(index, p) ?? 0);
      else out.flow[w++] = (q * Fp) / S;
      continue;
    }
    const e = m.expiries.get(p.expiry);
    if (!e) {
      throw new AppError('RISK__MISSING_EXPIRY', {
        context: { underlying: p.underlying, expiry: p.expiry, position: index },
      });
    }
    const forwardPerSpot = (e.forward - e.forwardFixed) / S;
    if (p.type === 'future') {
      if (out === undefined) total += q * (e.forward - p.entryPrice);
      else out.flow[w++] = q * forwardPerSpot;
      continue;
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
    if (out === undefined) total += q * unit[0];
    else out.flow[w++] = q * unit[1];
  }
  if (out !== undefined) out.count = w;
  return total;
}

/**
 * The collateral part of `readHoldings` (its holdings first in holding order): appended to `out`, the
 * sum of their notionals returned, or without `out` the sum of their values; the positions' figures
 * continue the sum.
 */
export function collateralHoldings(
  state: PriceState,
  universe: AssetUniverse,
  u: StressUnit,
  out: HoldingFigures | undefined,
): number {
  const { ctx } = state;
  const P = ctx.stablePrice;
  let w = out === undefined ? 0 : out.count;
  let total = 0;
  // The account's own lists, filtered by the unit's chain (the unit's `collateral` and `positions` would
  // make a list per call for an isolated unit); a closed unit counts none.
  const chainOf = u.chain;
  const allCollateral = u.account.collateral ?? NONE;
  const nc = u.collateralCount;
  for (let i = 0, j = 0; i < nc; j++) {
    const c = allCollateral[j]!;
    if (chainOf !== undefined && c.chain !== chainOf) continue;
    const amount = u.amount(i++, c);
    const { flowInto, price } = collateralSource(ctx, c.asset);
    if (price === undefined) throw new AppError('RISK__MISSING_PRICE', { context: { asset: c.asset } });
    const value = (amount * price) / P;
    total += value;
    if (out === undefined) continue;
    out.chain[w] = c.chain;
    out.notional[w] = value;
    out.asset[w] = universe.index.get(flowInto)!;
    out.flow[w++] = amount;
  }
  if (out !== undefined) out.count = w;
  return total;
}

/**
 * Appends the unit's holding figures at a state to `out` (from `out.count`, which it advances); returns
 * N, the sum of their notionals in holding order.
 */
export function appendHoldingFigures(
  out: HoldingFigures,
  state: PriceState,
  universe: AssetUniverse,
  u: StressUnit,
): number {
  return readHoldings(state, universe, u, out);
}

/** V of section 3 step 7: the sum of the unit's holding values at a state, in holding order. */
export function holdingValue(state: PriceState, universe: AssetUniverse, u: StressUnit): number {
  return readHoldings(state, universe, u, undefined);
}
