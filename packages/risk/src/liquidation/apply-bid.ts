import { auctionDiscount } from './auction-discount.js';
import { bufferMargin } from './buffer-margin.js';
import { evaluateAuction } from './evaluate-auction.js';
import { insolventBidPrice } from './insolvent-bid-price.js';
import { maxFraction } from './max-fraction.js';
import { solventBidPrice } from './solvent-bid-price.js';
import { splitAccount } from './split-account.js';
import type {
  ApplyBidParameters,
  ApplyBidReturnType,
  AuctionParams,
  AuctionState,
  AuctionTransition,
  BidRejection,
  LiquidationFigures,
} from './types.js';

type Measured = LiquidationFigures & { bm: number; fmax: number };

/**
 * Bid(t, q, maxPrice?, bidderCash) of spec section 4: Evaluate(t), the checks and the transfer, then
 * Evaluate(t) again, with every figure a section-6 action reports. A rejected bid changes nothing but
 * what the first Evaluate did (fees, terminations, conversions stand).
 */
export function applyBid(p: AuctionParams, args: ApplyBidParameters): ApplyBidReturnType {
  const { time, figures, percent: q } = args;
  const bidderCash = args.bidderCash ?? Number.POSITIVE_INFINITY;
  const ev1 = evaluateAuction(p, args);
  let fund = args.insuranceFund + ev1.feePaid;
  const auction = ev1.auction;
  const before = figures(ev1.account);
  const bm = bufferMargin(p, before);
  const transitions: AuctionTransition[] = [...ev1.transitions];

  const elapsed = auction ? time - auction.phaseStart : null;
  const discount = auction?.kind === 'solvent' ? auctionDiscount(p, elapsed!) : null;
  let bidPrice: number | null = null;
  let fmax = 0;
  if (auction?.kind === 'solvent') {
    bidPrice = solventBidPrice(p, { elapsed: elapsed!, mtm: before.mtm, reservedCash: auction.reservedCash });
    fmax = maxFraction(p, { mtm: before.mtm, bm, discount: discount!, reservedCash: auction.reservedCash });
  } else if (auction) {
    bidPrice = insolventBidPrice(p, { elapsed: elapsed!, mm: before.mm, mtm: before.mtm });
  }
  const pre: Measured = { ...before, bm, fmax };

  const rejected = (reason: BidRejection): ApplyBidReturnType => {
    const ev2 = evaluateAuction(p, { time, auction, account: ev1.account, figures });
    return {
      kindBefore: auction?.kind ?? null,
      elapsed,
      discount,
      bidPrice,
      pre,
      accepted: false,
      reason,
      percentOfCurrent: 0,
      percentOfOriginal: 0,
      bidCash: 0,
      cashToBidder: 0,
      insuranceFundPaid: 0,
      socialisedLoss: 0,
      post: pre,
      reservedCash: auction?.reservedCash ?? 0,
      terminated: false,
      transitions: [...transitions, ...ev2.transitions],
      taken: { cash: 0, collateral: [], positions: [] },
      account: ev2.account,
      auction: ev2.auction,
      insuranceFund: fund + ev2.feePaid,
      feePaid: ev1.feePaid + ev2.feePaid,
    };
  };
  if (auction === null) return rejected('NO_AUCTION');

  let share: number;
  let bidCash = 0;
  let cashToBidder = 0;
  let insuranceFundPaid = 0;
  let socialisedLoss = 0;
  let next: AuctionState | null;
  let endReason: 'MAX_FRACTION' | 'FULL_BID' | null = null;
  let split: ReturnType<typeof splitAccount>;
  if (auction.kind === 'solvent') {
    const price = bidPrice!;
    share = Math.min(q, fmax);
    bidCash = price * share;
    if (price <= 0) return rejected('PRICE_ZERO');
    if (bidderCash < bidCash + Math.abs(bm - auction.reservedCash) * share)
      return rejected('INSUFFICIENT_CASH');
    if (args.maxPrice !== undefined && bidCash > args.maxPrice) return rejected('PRICE_LIMIT');
    split = splitAccount(ev1.account, share, auction.reservedCash);
    split.kept.cash = (split.kept.cash ?? 0) + bidCash;
    next = {
      ...auction,
      reservedCash: auction.reservedCash + bidCash,
      remainingFraction: auction.remainingFraction * (1 - share),
    };
    if (q >= fmax) endReason = 'MAX_FRACTION';
  } else {
    share = q;
    // 0 − x, not −x: a zero price gives +0, not −0, in the output.
    cashToBidder = 0 - bidPrice! * share;
    if (bidderCash < Math.abs(before.mm) * share - cashToBidder) return rejected('INSUFFICIENT_CASH');
    if (args.maxPrice !== undefined && -cashToBidder > args.maxPrice) return rejected('PRICE_LIMIT');
    split = splitAccount(ev1.account, share, 0);
    insuranceFundPaid = Math.max(0, Math.min(fund, cashToBidder));
    socialisedLoss = cashToBidder - insuranceFundPaid;
    fund -= insuranceFundPaid;
    next = { ...auction, remainingFraction: auction.remainingFraction * (1 - share) };
    if (share === 1) endReason = 'FULL_BID';
  }
  const percentOfOriginal = share * auction.remainingFraction;
  const after = figures(split.kept);
  const postBm = bufferMargin(p, after);
  const post: Measured = {
    ...after,
    bm: postBm,
    fmax:
      auction.kind === 'solvent'
        ? maxFraction(p, { mtm: after.mtm, bm: postBm, discount: discount!, reservedCash: next.reservedCash })
        : 0,
  };
  const reservedCash = next.reservedCash;
  if (endReason !== null) {
    transitions.push({ type: 'terminated', kind: auction.kind, reason: endReason });
    next = null;
  }
  const ev2 = evaluateAuction(p, { time, auction: next, account: split.kept, figures });
  return {
    kindBefore: auction.kind,
    elapsed,
    discount,
    bidPrice,
    pre,
    accepted: true,
    reason: null,
    percentOfCurrent: share,
    percentOfOriginal,
    bidCash,
    cashToBidder,
    insuranceFundPaid,
    socialisedLoss,
    post,
    reservedCash,
    terminated: endReason !== null || ev2.transitions[0]?.type === 'terminated',
    transitions: [...transitions, ...ev2.transitions],
    taken: split.taken,
    account: ev2.account,
    auction: ev2.auction,
    insuranceFund: fund + ev2.feePaid,
    feePaid: ev1.feePaid + ev2.feePaid,
  };
}
