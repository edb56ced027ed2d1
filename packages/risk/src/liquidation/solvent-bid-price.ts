import { AppError } from '@xmargin/errors';
import { auctionDiscount } from './auction-discount.js';
import type { AuctionParams } from './types.js';

export interface SolventBidPriceParameters {
  elapsed: number;
  mtm: number;
  reservedCash: number;
}

/**
 * P, the solvent auction's price of the whole account (spec section 3): (MtM − R)·d(e), the reserved
 * cash excluded because the bidders already paid it in; 0 once the solvent phase is over. Throws
 * LIQUIDATION__RESERVED_CASH_ABOVE_MTM when R > MtM.
 */
export function solventBidPrice(
  p: AuctionParams,
  { elapsed, mtm, reservedCash }: SolventBidPriceParameters,
): number {
  if (elapsed >= p.fastSeconds + p.slowSeconds) return 0;
  if (reservedCash > mtm) {
    throw new AppError('LIQUIDATION__RESERVED_CASH_ABOVE_MTM', { context: { reservedCash, mtm } });
  }
  return (mtm - reservedCash) * auctionDiscount(p, elapsed);
}
