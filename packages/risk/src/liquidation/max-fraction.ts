import type { AuctionParams } from './types.js';

export interface MaxFractionParameters {
  mtm: number;
  bm: number;
  discount: number;
  reservedCash: number;
}

/**
 * fmax (spec section 3): the share of the account whose purchase at discount d brings the buffer margin
 * to exactly zero, given BM' = BM − p(BM − MtM·d − R(1−d)); 1 below mtmCutoff, 0 when BM ≥ 0 or the
 * denominator vanishes.
 */
export function maxFraction(
  p: AuctionParams,
  { mtm, bm, discount, reservedCash }: MaxFractionParameters,
): number {
  if (mtm < p.mtmCutoff) return 1;
  const b = Math.min(bm, 0);
  const den = b - mtm * discount - reservedCash * (1 - discount);
  return den === 0 ? 0 : b / den;
}
