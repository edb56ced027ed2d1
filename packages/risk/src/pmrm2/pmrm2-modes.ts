import type { ModeResult, Position } from '../types.js';
import {
  type CollateralCharge,
  collateralCharges,
  type Pmrm2ResolvedCollateral,
} from './pmrm2-collateral.js';
import type { Pmrm2Context } from './pmrm2-context.js';
import { addPmrm2Position, type Pmrm2Holding, pmrm2VolFor } from './pmrm2-holdings.js';
import { marginPmrm2Underlying, pmrm2OptionValue } from './pmrm2-underlying.js';

function mode(equity: number, r: CollateralCharge): ModeResult {
  return {
    initialRequirement: r.im,
    maintenanceRequirement: r.mm,
    initialExcess: equity - r.im,
    maintenanceExcess: equity - r.mm,
  };
}

/**
 * `isolated` under pmrm-2: every position is its own one-position pmrm-2 portfolio, and so is each
 * market's risk-cancelling collateral; every collateral takes its haircuts and confidence add-on.
 */
export function pmrm2IsolatedMode(
  ctx: Pmrm2Context,
  positions: readonly Position[],
  col: Pmrm2ResolvedCollateral,
  equity: number,
): ModeResult {
  const r = collateralCharges(ctx, col);
  const one = (h: Pmrm2Holding) => {
    const um = marginPmrm2Underlying(ctx, h);
    r.im += um.initialRequirement;
    r.mm += um.maintenanceRequirement;
  };
  positions.forEach((p, i) => {
    const m = new Map<string, Pmrm2Holding>();
    addPmrm2Position(ctx, m, p, i);
    for (const h of m.values()) one(h);
  });
  const base = new Map<string, number>();
  for (const c of col.assets) {
    if (c.underlying !== undefined) base.set(c.underlying, (base.get(c.underlying) ?? 0) + c.value);
  }
  for (const [u, value] of base) {
    one({ market: ctx.markets.get(u)!, baseValue: value, perps: [], expiries: [] });
  }
  return mode(equity, r);
}

/**
 * `cross` under pmrm-2: pooled collateral with its haircuts and confidence add-on (as in the
 * portfolio), fixed ratios per position (section 5) with option premiums discounted as pmrm-2 prices them.
 */
export function pmrm2CrossMode(
  ctx: Pmrm2Context,
  positions: readonly Position[],
  col: Pmrm2ResolvedCollateral,
  equity: number,
): ModeResult {
  const r = collateralCharges(ctx, col);
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
    const premium = pmrm2OptionValue(e, p, 1, pmrm2VolFor(e, p.strike));
    const otm = p.right === 'call' ? Math.max(0, p.strike - S) : Math.max(0, S - p.strike);
    const addOn = Math.max(x.optionShortA * S - otm, x.optionShortB * S);
    const q = -p.quantity;
    r.im += q * (premium + addOn);
    r.mm += q * (premium + x.optionMmFactor * addOn);
  }
  return mode(equity, r);
}
