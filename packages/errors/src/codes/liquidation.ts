import { code } from '../spec.js';

/** The spec section-6 action object of a rejected bid, carried in the error so a client sees the figures. */
type BidOutcome = Readonly<Record<string, unknown>>;

/** Liquidation auctions (shared/spec/liquidation.md): parameters, prices, bids, the insurance fund. */
export const liquidationCodes = {
  LIQUIDATION__INVALID_PARAMS: code<{ path: string; reason: string }>(
    422,
    'Liquidation parameters are invalid',
  ),
  LIQUIDATION__UNKNOWN_PRESET: code<{ preset: string; known: readonly string[] }>(
    400,
    'Unknown liquidation parameter preset',
  ),
  LIQUIDATION__RESERVED_CASH_ABOVE_MTM: code<{ reservedCash: number; mtm: number }>(
    422,
    'Reserved cash exceeds the mark-to-market',
  ),
  LIQUIDATION__NO_AUCTION: code<{ auctionId?: string; accountId?: string; action?: BidOutcome }>(
    409,
    'No ongoing auction',
  ),
  LIQUIDATION__PRICE_ZERO: code<{ auctionId?: string; action?: BidOutcome }>(
    409,
    'The auction price is zero',
  ),
  LIQUIDATION__INSUFFICIENT_CASH: code<{ required: number; available: number; action?: BidOutcome }>(
    409,
    'The bidder has too little cash for the bid',
  ),
  LIQUIDATION__PRICE_LIMIT: code<{ price: number; maxPrice: number; action?: BidOutcome }>(
    409,
    'The bid price exceeds maxPrice',
  ),
  LIQUIDATION__STALE_SEQUENCE: code<{ expected: number; actual: number }>(
    409,
    'The auction moved on since the sequence the bid expected',
  ),
  LIQUIDATION__AUCTION_OPEN: code<{ accountId: string }>(409, 'An auction is open on the account'),
  LIQUIDATION__WITHDRAWALS_BLOCKED: code<{ cachedMM: number; insuranceFund: number }>(
    409,
    'Withdrawals are blocked while insolvent auctions exceed the insurance fund',
  ),
  LIQUIDATION__NOT_FOUND: code<{ auctionId: string; instructionId?: string }>(404, 'No such auction'),
  LIQUIDATION__NOT_BIDDER: code<{ bidderAccountId: string }>(
    403,
    'The bidder account is not owned by the caller',
  ),
  LIQUIDATION__SETTLEMENT_STATE: code<{ instructionId: string; status: string; signed: boolean }>(
    409,
    'The settlement instruction is not a signed pending seizure',
  ),
  LIQUIDATION__CASH_WITHDRAWAL_REFUSED: code<{
    reason: 'balance' | 'margin';
    requested: string;
    maxAmount: string;
  }>(422, 'The cash withdrawal is refused'),
} as const;
