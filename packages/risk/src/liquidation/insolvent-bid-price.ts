import type { AuctionParams } from './types.js';

export interface InsolventBidPriceParameters {
  elapsed: number;
  mm: number;
  mtm: number;
}

/**
 * π, the insolvent auction's price of the whole account (spec section 3, ≤ 0: the insurance fund pays
 * the bidder): ramps from min(MtM, 0) to MM over insolventSeconds; 0 once MM ≥ 0.
 */
export function insolventBidPrice(
  p: AuctionParams,
  { elapsed, mm, mtm }: InsolventBidPriceParameters,
): number {
  if (mm >= 0) return 0;
  if (elapsed >= p.insolventSeconds) return mm;
  const m0 = Math.min(mtm, 0);
  return m0 + ((mm - m0) * elapsed) / p.insolventSeconds;
}
