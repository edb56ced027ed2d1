import type { AuctionParams } from './types.js';

export interface BufferMarginParameters {
  /** MM: the account's maintenance excess. */
  mm: number;
  /** MtM: the account's equity. */
  mtm: number;
}

/** BM = MM + (MM − MtM)·bufferPercent (spec section 1): the margin a liquidation restores to zero. */
export function bufferMargin(p: AuctionParams, { mm, mtm }: BufferMarginParameters): number {
  return mm + (mm - mtm) * p.bufferPercent;
}
