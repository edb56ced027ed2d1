import { randomBytes } from 'node:crypto';
import type { AuctionState } from '@xmargin/risk';
import type { AuctionRecord } from '@xmargin/store';
import { cashToNumber } from './cash-units.js';

/** The pure state machine's view of a stored ongoing auction. */
export function toAuctionState(r: AuctionRecord): AuctionState {
  return {
    kind: r.kind,
    startTime: r.startTime,
    phaseStart: r.phaseStart,
    reservedCash: cashToNumber(r.reservedCash),
    cachedMM: r.cachedMM,
    remainingFraction: r.remainingFraction,
  };
}

/** Auction ids sort by start time (cursor pagination), then by a random suffix. */
export function newAuctionId(time: number): string {
  return `auc_${String(time).padStart(11, '0')}_${randomBytes(5).toString('hex')}`;
}

export function newBidId(): string {
  return `bid_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
}
