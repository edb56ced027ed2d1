import { crossPositionCharges } from '../model/modes.js';
import { volFor } from '../model/option-value.js';
import type { ModeResult, Position } from '../types.js';
import {
  type CollateralCharge,
  collateralCharges,
  type Pmrm2ResolvedCollateral,
} from './pmrm2-collateral.js';
import type { Pmrm2Context, Pmrm2Expiry } from './pmrm2-context.js';
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
  crossPositionCharges(ctx, positions, r, (e, p) =>
    pmrm2OptionValue(e as Pmrm2Expiry, p, 1, volFor(e, p.strike)),
  );
  return mode(equity, r);
}
