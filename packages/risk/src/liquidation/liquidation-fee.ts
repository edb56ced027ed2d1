import { maxFraction } from './max-fraction.js';
import type { AuctionParams } from './types.js';

export interface LiquidationFeeParameters {
  mtm: number;
  bm: number;
}

/**
 * The fee charged when a solvent auction starts (spec section 3): fmax(MtM, BM, 1, 0)·|MtM|·feePercent,
 * paid from the account's cash to the insurance fund.
 */
export function liquidationFee(p: AuctionParams, { mtm, bm }: LiquidationFeeParameters): number {
  return maxFraction(p, { mtm, bm, discount: 1, reservedCash: 0 }) * Math.abs(mtm) * p.feePercent;
}
