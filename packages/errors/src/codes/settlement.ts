import { code } from '../spec.js';

/** Binding collateral (apps/engine settlement): engine-authorised withdrawals and signed margin statements. */
export const settlementCodes = {
  SETTLEMENT__NOT_CONFIGURED: code<{ reason: string }>(
    503,
    'Settlement is not configured on this engine (no SETTLEMENT_PRIVATE_KEY or no vault for the chain)',
  ),
  SETTLEMENT__WITHDRAWAL_REFUSED: code<{
    /** `margin`: the initial excess after it would be negative; `balance`: more than the vault holds. */
    reason: 'margin' | 'balance';
    chain: string;
    asset: string;
    requested: string;
    /** The largest amount (decimal, the asset's units) that would pass now; "0" when none. */
    maxAmount: string;
    initialExcessAfter: number | null;
  }>(422, 'Withdrawal refused: the unified margin or the vault balance does not cover it'),
  SETTLEMENT__REQUEST_INVALID: code<{ reason: string }>(
    422,
    'Withdrawal request is expired, reused, or not signed by an address linked to the account',
  ),
  /** The engine-sent Solana escrow transfer was refused or not confirmed; its reservation is released. */
  SETTLEMENT__TRANSFER_FAILED: code<{ chain: string; reason: string }>(
    502,
    'The escrow transfer of an authorised withdrawal failed on chain; nothing left the escrow',
  ),
} as const;
