import { aggregateAlone, type Requirement } from '../book/aggregate.js';
import type { AccountEvaluation } from '../book/evaluate-account.js';
import type { ModelContext } from '../book/model-context.js';
import type { Pmrm2Expiry } from '../pmrm2/pmrm2-context.js';
import type { ModeResult, Position, RiskParams } from '../types.js';
import type { ResolvedCollateral } from './collateral.js';
import { imHaircutExtra, mmHaircut } from './collateral.js';
import type { ExpiryContext, MarginContext } from './context.js';
import { optionValue, volFor } from './option-value.js';

function mode(equity: number, r: Requirement): ModeResult {
  return {
    initialRequirement: r.im,
    maintenanceRequirement: r.mm,
    initialExcess: equity - r.im,
    maintenanceExcess: equity - r.mm,
  };
}

/** Haircuts of the non-risk-cancelling collateral, in stable units (shared by every mode). */
export function collateralHaircuts(ctx: MarginContext, col: ResolvedCollateral): Requirement {
  let mm = 0;
  let im = 0;
  for (const c of col.others) {
    const h = mmHaircut(c.value, c.params);
    mm += h;
    im += h + imHaircutExtra(c.value, c.params);
  }
  return { mm: mm / ctx.stablePrice, im: im / ctx.stablePrice };
}

/**
 * `isolated` mode: every position is its own one-position portfolio under the same scenario model
 * (no offsets, no pooling), and so is each underlying's risk-cancelling collateral.
 */
export function isolatedMode(
  ev: AccountEvaluation,
  positions: readonly Position[],
  equity: number,
): ModeResult {
  const { kernel, table, arrays, store, run, positionInstrument } = ev;
  // Collateral terms are USD under PMRM v1 and stable units under pmrm-2.
  const P = kernel.termsDivisor;
  const r: Requirement = { im: run.terms.haircutIm / P, mm: run.terms.haircutMm / P };
  const one: Requirement = { im: 0, mm: 0 };
  positions.forEach((p, i) => {
    const id = positionInstrument[i]!;
    aggregateAlone(kernel, table, arrays, table.underlying[id]!, id, p.quantity, 0, one);
    r.im += one.im;
    r.mm += one.mm;
  });
  for (let j = run.segLo; j < run.segHi; j++) {
    const b = store.segBase[j]!;
    if (b === 0) continue;
    aggregateAlone(kernel, table, arrays, store.segU[j]!, -1, 0, b, one);
    r.im += one.im;
    r.mm += one.mm;
  }
  return mode(equity, r);
}

/**
 * `cross` mode: pooled collateral with fixed ratios and no scenario offsets. Perps and futures charge
 * `futureIm`/`futureMm` of notional; a short option charges its premium plus
 * `max(optionShortA*S - OTM amount, optionShortB*S)` per unit (MM: premium plus `optionMmFactor` times
 * that add-on), long options nothing beyond their paid premium; risk-cancelling collateral is ordinary
 * collateral here and takes its asset's haircuts.
 */
export function crossMode(
  ctx: MarginContext,
  positions: readonly Position[],
  col: ResolvedCollateral,
  equity: number,
): ModeResult {
  const r = collateralHaircuts(ctx, col);
  crossPositionCharges(ctx, positions, r, (e, p) =>
    optionValue(
      e as ExpiryContext,
      { strike: p.strike, right: p.right, vol: volFor(e, p.strike) },
      1,
      1,
      false,
    ),
  );
  for (const c of col.baseAssets) {
    const value = c.amount * ctx.markets.get(c.underlying)!.spot;
    const h = mmHaircut(value, c.params);
    r.mm += h / ctx.stablePrice;
    r.im += (h + imHaircutExtra(value, c.params)) / ctx.stablePrice;
  }
  return mode(equity, r);
}

/** The `cross` add-on per unit of a short option: `max(optionShortA*S - OTM amount, optionShortB*S)`. */
export function shortOptionAddOn(x: RiskParams['cross'], S: number, strike: number, put: boolean): number {
  const otm = put ? Math.max(0, S - strike) : Math.max(0, strike - S);
  return Math.max(x.optionShortA * S - otm, x.optionShortB * S);
}

/**
 * Adds the positions' `cross` charges to `r` (both models): perps and futures `futureIm`/`futureMm` of
 * notional; a short option its premium (priced as the model prices it) plus
 * `max(optionShortA*S - OTM amount, optionShortB*S)` per unit (MM: premium plus `optionMmFactor` times
 * that add-on); long options nothing beyond their paid premium.
 */
export function crossPositionCharges(
  ctx: ModelContext,
  positions: readonly Position[],
  r: { im: number; mm: number },
  premium: (e: ExpiryContext | Pmrm2Expiry, p: Extract<Position, { type: 'option' }>) => number,
): void {
  const x = ctx.params.cross;
  for (const p of positions) {
    const m = ctx.markets.get(p.underlying)!;
    const S = m.spot;
    if (p.type === 'perp' || p.type === 'future') {
      const price = p.type === 'perp' ? m.perpPrice! : m.expiries.get(p.expiry)!.forward;
      const notional = Math.abs(p.quantity) * price;
      r.im += notional * x.futureIm;
      r.mm += notional * x.futureMm;
      continue;
    }
    if (p.quantity >= 0) continue;
    const e = m.expiries.get(p.expiry)!;
    const addOn = shortOptionAddOn(x, S, p.strike, p.right === 'put');
    const q = -p.quantity;
    const value = premium(e, p);
    r.im += q * (value + addOn);
    r.mm += q * (value + x.optionMmFactor * addOn);
  }
}
