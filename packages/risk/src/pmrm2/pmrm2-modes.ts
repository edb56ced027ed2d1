import { volFor } from '../model/option-value.js';
import type { ModeResult, Position } from '../types.js';
import {
  type CollateralCharge,
  collateralCharges,
  type Pmrm2ResolvedCollateral,
} from './pmrm2-collateral.js';
import type { Pmrm2Context } from './pmrm2-context.js';
import { pmrm2OptionValue } from './pmrm2-pricing.js';

function mode(equity: number, r: CollateralCharge): ModeResult {
  return {
    initialRequirement: r.im,
    maintenanceRequirement: r.mm,
    initialExcess: equity - r.im,
    maintenanceExcess: equity - r.mm,
  };
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
    const premium = pmrm2OptionValue(e, p, 1, volFor(e, p.strike));
    const otm = p.right === 'call' ? Math.max(0, p.strike - S) : Math.max(0, S - p.strike);
    const addOn = Math.max(x.optionShortA * S - otm, x.optionShortB * S);
    const q = -p.quantity;
    r.im += q * (premium + addOn);
    r.mm += q * (premium + x.optionMmFactor * addOn);
  }
  return mode(equity, r);
}
