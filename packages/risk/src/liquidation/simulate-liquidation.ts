import { computeMargin } from '../compute-margin.js';
import type { MarginDocument } from '../types.js';
import { actionResult } from './action-result.js';
import { applyBid } from './apply-bid.js';
import { bufferMargin } from './buffer-margin.js';
import { evaluateAuction } from './evaluate-auction.js';
import { resolveAuctionParams } from './resolve-auction-params.js';
import type {
  AuctionKind,
  AuctionState,
  AuctionTransition,
  FiguresOf,
  LiquidationActionResult,
  LiquidationDocument,
  LiquidationSimulation,
} from './types.js';

/** The margin figures of spec section 1 at `time`: MtM = equity, MM = maintenanceExcess. */
function figuresAt(base: MarginDocument, time: number): FiguresOf {
  return (account) => {
    const r = computeMargin({ ...base, asOf: time, account });
    return { mtm: r.equity, mm: r.maintenanceExcess };
  };
}

function lastKind(kind: AuctionKind | null, transitions: readonly AuctionTransition[]): AuctionKind | null {
  let k = kind;
  for (const t of transitions) if (t.type !== 'terminated') k = t.kind;
  return k;
}

// Spec section 4: withdrawals stop while the insolvent auctions' cachedMM exceeds the fund.
function withdrawalsBlocked(auction: AuctionState | null, insuranceFund: number): boolean {
  return auction?.kind === 'insolvent' && auction.cachedMM > insuranceFund;
}

/**
 * `xmargin liquidation simulate` (spec section 6): Evaluate(asOf), then for each action its market
 * update and Bid(time), every margin the document evaluated at that time with computeMargin. Pure.
 */
export function simulateLiquidation(doc: LiquidationDocument): LiquidationSimulation {
  const params = resolveAuctionParams(doc.auction?.params);
  const { auction: _setup, actions = [], ...margin } = doc;
  let base: MarginDocument = margin;
  let fund = doc.auction?.insuranceFund ?? 0;
  let socialised = 0;

  const figures0 = figuresAt(base, doc.asOf);
  const f0 = figures0(doc.account);
  const ev0 = evaluateAuction(params, {
    time: doc.asOf,
    auction: null,
    account: doc.account,
    figures: figures0,
  });
  const started = ev0.transitions.find((t) => t.type === 'started');
  fund += ev0.feePaid;
  let auction = ev0.auction;
  let account = ev0.account;
  let kind = lastKind(null, ev0.transitions);

  const results: LiquidationActionResult[] = [];
  for (const action of actions) {
    if (action.market) {
      const { markets, prices, stable } = action.market;
      base = {
        ...base,
        ...(markets === undefined ? {} : { markets }),
        ...(prices === undefined ? {} : { prices }),
        ...(stable === undefined ? {} : { stable }),
      };
    }
    const r = applyBid(params, {
      time: action.time,
      auction,
      account,
      figures: figuresAt(base, action.time),
      percent: action.percent,
      maxPrice: action.maxPrice,
      bidderCash: action.bidderCash,
      insuranceFund: fund,
    });
    auction = r.auction;
    account = r.account;
    fund = r.insuranceFund;
    socialised += r.socialisedLoss;
    kind = lastKind(kind, r.transitions);
    results.push(actionResult(action.time, r, r.transitions, withdrawalsBlocked(auction, fund)));
  }
  return {
    start: {
      time: doc.asOf,
      kind: started?.kind ?? null,
      mtm: f0.mtm,
      mm: f0.mm,
      bm: bufferMargin(params, f0),
      liquidationFee: started?.type === 'started' ? started.fee : 0,
    },
    actions: results,
    end: {
      ongoing: auction !== null,
      kind,
      reservedCash: auction?.reservedCash ?? 0,
      insuranceFund: fund,
      socialisedLoss: socialised,
      withdrawalsBlocked: withdrawalsBlocked(auction, fund),
      account: {
        cash: account.cash ?? 0,
        collateral: account.collateral ?? [],
        positions: account.positions ?? [],
      },
    },
  };
}
