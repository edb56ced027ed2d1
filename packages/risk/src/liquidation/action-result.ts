import type { ApplyBidReturnType, AuctionTransition, LiquidationActionResult } from './types.js';

/**
 * The spec section 6 action object of one bid: the auction in force after the bid's first Evaluate,
 * the pre/post figures and the bid's outcome, `withdrawalsBlocked` after the action and every
 * transition during it. Shared by the simulator and the engine's bid route (same fields, same order).
 */
export function actionResult(
  time: number,
  r: ApplyBidReturnType,
  transitions: readonly AuctionTransition[],
  withdrawalsBlocked: boolean,
): LiquidationActionResult {
  return {
    time,
    kind: r.kindBefore,
    elapsed: r.elapsed,
    discount: r.discount,
    bidPrice: r.bidPrice,
    preMtM: r.pre.mtm,
    preMM: r.pre.mm,
    preBM: r.pre.bm,
    preFMax: r.pre.fmax,
    accepted: r.accepted,
    reason: r.reason,
    percentOfCurrent: r.percentOfCurrent,
    percentOfOriginal: r.percentOfOriginal,
    bidCash: r.bidCash,
    cashToBidder: r.cashToBidder,
    insuranceFundPaid: r.insuranceFundPaid,
    socialisedLoss: r.socialisedLoss,
    postMtM: r.post.mtm,
    postMM: r.post.mm,
    postBM: r.post.bm,
    postFMax: r.post.fmax,
    reservedCash: r.reservedCash,
    terminated: r.terminated,
    withdrawalsBlocked,
    transitions: [...transitions],
  };
}
