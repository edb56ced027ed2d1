import { AppError } from '@xmargin/errors';
import { bufferMargin } from './buffer-margin.js';
import { liquidationFee } from './liquidation-fee.js';
import type {
  AuctionParams,
  AuctionState,
  AuctionTransition,
  EvaluateAuctionParameters,
  EvaluateAuctionReturnType,
  TerminationReason,
} from './types.js';

// Each pass takes at most one transition; a start, a termination and a restart can follow one another,
// but no chain of them is longer than a few steps (a restarted solvent auction keeps MtM > 0).
const MAX_PASSES = 16;

type Step =
  | { type: 'started'; auction: AuctionState; fee: number }
  | { type: 'terminated'; reason: TerminationReason }
  | { type: 'converted'; auction: AuctionState }
  | null;

function step(p: AuctionParams, time: number, auction: AuctionState | null, mtm: number, mm: number): Step {
  const bm = bufferMargin(p, { mm, mtm });
  if (auction === null) {
    if (!(mm < 0)) return null;
    const base = { startTime: time, phaseStart: time, reservedCash: 0, remainingFraction: 1 };
    if (mtm > 0) {
      return {
        type: 'started',
        auction: { ...base, kind: 'solvent', cachedMM: 0 },
        fee: liquidationFee(p, { mtm, bm }),
      };
    }
    return { type: 'started', auction: { ...base, kind: 'insolvent', cachedMM: -mm }, fee: 0 };
  }
  if (auction.kind === 'insolvent') return mm >= 0 ? { type: 'terminated', reason: 'MM_RESTORED' } : null;
  const solventEnd = p.fastSeconds + p.slowSeconds;
  if (time - auction.phaseStart < solventEnd) {
    if (mtm < 0) return { type: 'terminated', reason: 'MTM_NEGATIVE' };
    if (auction.reservedCash >= mtm) return { type: 'terminated', reason: 'RESERVED_CASH' };
    if (bm >= 0) return { type: 'terminated', reason: 'BM_RESTORED' };
    return null;
  }
  if (mm >= 0) return { type: 'terminated', reason: 'MM_RESTORED' };
  return {
    type: 'converted',
    auction: {
      ...auction,
      kind: 'insolvent',
      phaseStart: auction.startTime + solventEnd,
      reservedCash: 0,
      cachedMM: -mm,
    },
  };
}

/**
 * Evaluate(t) of spec section 4: starts, terminates or converts the account's auction until nothing
 * changes, charging a solvent start's fee to the account's cash. `figures` prices the account as it
 * stands (it is re-run after every fee). Pure: returns the new state, the account and the transitions.
 */
export function evaluateAuction(
  p: AuctionParams,
  { time, auction, account, figures }: EvaluateAuctionParameters,
): EvaluateAuctionReturnType {
  let current = auction;
  let acc = account;
  let feePaid = 0;
  const transitions: AuctionTransition[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const { mtm, mm } = figures(acc);
    const s = step(p, time, current, mtm, mm);
    if (s === null) return { auction: current, account: acc, feePaid, transitions };
    if (s.type === 'started') {
      current = s.auction;
      if (s.fee !== 0) {
        acc = { ...acc, cash: (acc.cash ?? 0) - s.fee };
        feePaid += s.fee;
      }
      transitions.push({ type: 'started', kind: s.auction.kind, fee: s.fee });
    } else if (s.type === 'converted') {
      current = s.auction;
      transitions.push({ type: 'converted', kind: 'insolvent' });
    } else {
      transitions.push({ type: 'terminated', kind: current!.kind, reason: s.reason });
      current = null;
    }
  }
  throw new AppError('CORE__INVARIANT', {
    context: { what: `auction evaluation did not settle after ${MAX_PASSES} transitions` },
  });
}
