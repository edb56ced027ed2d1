// Types of the liquidation auction math (shared/spec/liquidation.md). Amounts are doubles in stable units,
// "percent" fields are fractions in [0, 1], times are integer unix seconds.
import type { Account, MarginDocument, PriceQuote } from '../types.js';

/** The eight auction parameters (spec section 2), resolved. */
export interface AuctionParams {
  /** Price factor at the start of the solvent auction. */
  startPercent: number;
  /** Price factor that ends the fast phase. */
  cutoffPercent: number;
  fastSeconds: number;
  slowSeconds: number;
  /** Length of the insolvent price ramp. */
  insolventSeconds: number;
  /** Liquidator fee, charged at a solvent start from the account's cash to the insurance fund. */
  feePercent: number;
  bufferPercent: number;
  /** Below this MtM one bid may take the whole account. */
  mtmCutoff: number;
}

/** `params` of an auction: a preset with overrides, or all eight fields. */
export type AuctionParamsSpec =
  | { preset: string; overrides?: { [K in keyof AuctionParams]?: number | undefined } | undefined }
  | AuctionParams;

export type AuctionKind = 'solvent' | 'insolvent';

/** Why an auction ended (spec section 4). */
export type TerminationReason =
  | 'MTM_NEGATIVE'
  | 'RESERVED_CASH'
  | 'BM_RESTORED'
  | 'MM_RESTORED'
  | 'MAX_FRACTION'
  | 'FULL_BID';

/** Why a bid was rejected (spec section 4); the error code is `LIQUIDATION__<reason>`. */
export type BidRejection = 'NO_AUCTION' | 'PRICE_ZERO' | 'INSUFFICIENT_CASH' | 'PRICE_LIMIT';

/** The ongoing auction of one account. */
export interface AuctionState {
  kind: AuctionKind;
  startTime: number;
  /** Start of the current price phase: startTime, or the end of the solvent phase after a conversion. */
  phaseStart: number;
  /** R: bid cash paid in during this solvent phase (0 when insolvent). */
  reservedCash: number;
  /** −MM when the insolvent auction started or converted (0 while solvent); blocks withdrawals. */
  cachedMM: number;
  /** Π(1 − p_j) over the auction's accepted bids: the share of the original account still in it. */
  remainingFraction: number;
}

/** One state change, in the order it happened. */
export type AuctionTransition =
  | { type: 'started'; kind: AuctionKind; fee: number }
  | { type: 'terminated'; kind: AuctionKind; reason: TerminationReason }
  | { type: 'converted'; kind: AuctionKind };

/** MtM (the account's `equity`) and MM (its `maintenanceExcess`). */
export interface LiquidationFigures {
  mtm: number;
  mm: number;
}

/** The figures of an account: a pure function of the account (market data and time held fixed). */
export type FiguresOf = (account: Account) => LiquidationFigures;

/** Evaluate(t) (spec section 4): input. */
export interface EvaluateAuctionParameters {
  time: number;
  auction: AuctionState | null;
  account: Account;
  figures: FiguresOf;
}

/** Evaluate(t): the auction now in force (null if none), the account after fees, every transition. */
export interface EvaluateAuctionReturnType {
  auction: AuctionState | null;
  account: Account;
  /** Fees charged (to the insurance fund) by auctions started during this evaluation. */
  feePaid: number;
  transitions: AuctionTransition[];
}

/** Bid(t, q, maxPrice?, bidderCash) (spec section 4): input. */
export interface ApplyBidParameters extends EvaluateAuctionParameters {
  /** q ∈ (0, 1]. */
  percent: number;
  /** Bound on the bid's net cash from the bidder; negative: the least it must receive. */
  maxPrice?: number | undefined;
  /** Default: unlimited. */
  bidderCash?: number | undefined;
  /** The insurance fund balance before the bid (fees of the first Evaluate are added to it). */
  insuranceFund: number;
}

/** Bid(t, ...): every figure of a section-6 action, and the resulting state. */
export interface ApplyBidReturnType {
  /** The auction in force after the first Evaluate (null: none), as it stood before the transfer. */
  kindBefore: AuctionKind | null;
  elapsed: number | null;
  discount: number | null;
  bidPrice: number | null;
  pre: LiquidationFigures & { bm: number; fmax: number };
  accepted: boolean;
  reason: BidRejection | null;
  percentOfCurrent: number;
  percentOfOriginal: number;
  bidCash: number;
  cashToBidder: number;
  insuranceFundPaid: number;
  socialisedLoss: number;
  post: LiquidationFigures & { bm: number; fmax: number };
  /** R of the auction that took the bid, after it (0 without one). */
  reservedCash: number;
  /** The auction that took the bid has ended. */
  terminated: boolean;
  transitions: AuctionTransition[];
  /** What the bidder took: share p of every position and collateral balance, and its share of cash. */
  taken: Account;
  /** The account after the whole action (second Evaluate's fees included). */
  account: Account;
  /** The auction in force after the action. */
  auction: AuctionState | null;
  /** Insurance fund after the action (fees in, draws out). */
  insuranceFund: number;
  /** Fees charged during the action (both Evaluates). */
  feePaid: number;
}

/** A simulation input: a margin document plus the optional auction setup and bids (spec section 6). */
export interface LiquidationDocument extends MarginDocument {
  auction?: { params?: AuctionParamsSpec | undefined; insuranceFund?: number | undefined } | undefined;
  actions?: readonly LiquidationAction[] | undefined;
}

/** The market sections an action may replace. */
export interface MarketUpdate {
  markets?: MarginDocument['markets'] | undefined;
  prices?: Readonly<Record<string, PriceQuote>> | undefined;
  stable?: PriceQuote | undefined;
}

export interface LiquidationAction {
  time: number;
  percent: number;
  maxPrice?: number | undefined;
  bidderCash?: number | undefined;
  market?: MarketUpdate | undefined;
}

/** One action of the output (spec section 6), fields in the spec's order. */
export interface LiquidationActionResult {
  time: number;
  kind: AuctionKind | null;
  elapsed: number | null;
  discount: number | null;
  bidPrice: number | null;
  preMtM: number;
  preMM: number;
  preBM: number;
  preFMax: number;
  accepted: boolean;
  reason: BidRejection | null;
  percentOfCurrent: number;
  percentOfOriginal: number;
  bidCash: number;
  cashToBidder: number;
  insuranceFundPaid: number;
  socialisedLoss: number;
  postMtM: number;
  postMM: number;
  postBM: number;
  postFMax: number;
  reservedCash: number;
  terminated: boolean;
  withdrawalsBlocked: boolean;
  transitions: AuctionTransition[];
}

/** The output of `xmargin liquidation simulate`. */
export interface LiquidationSimulation {
  start: {
    time: number;
    kind: AuctionKind | null;
    mtm: number;
    mm: number;
    bm: number;
    liquidationFee: number;
  };
  actions: LiquidationActionResult[];
  end: {
    ongoing: boolean;
    kind: AuctionKind | null;
    reservedCash: number;
    insuranceFund: number;
    socialisedLoss: number;
    withdrawalsBlocked: boolean;
    account: Account;
  };
}
