import type { AuctionParams } from './types.js';

/**
 * The solvent auction's price factor d(e) (spec section 3): falls linearly from startPercent to
 * cutoffPercent over the fast phase, then to 0 over the slow phase, and stays 0 after.
 */
export function auctionDiscount(p: AuctionParams, elapsed: number): number {
  if (elapsed < p.fastSeconds) {
    return p.startPercent - ((p.startPercent - p.cutoffPercent) * elapsed) / p.fastSeconds;
  }
  if (elapsed < p.fastSeconds + p.slowSeconds) {
    return p.cutoffPercent - (p.cutoffPercent * (elapsed - p.fastSeconds)) / p.slowSeconds;
  }
  return 0;
}
