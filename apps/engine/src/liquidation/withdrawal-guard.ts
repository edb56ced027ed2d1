import type { AccountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { StoreRepositories } from '@xmargin/store';
import { cashToNumber } from './cash-units.js';

/** Spec section 4: the engine authorises no withdrawal while Σ cachedMM of insolvent auctions > fund. */
export async function withdrawalsBlocked(store: StoreRepositories): Promise<boolean> {
  const [cached, fund] = await Promise.all([
    store.liquidations.insolventCachedMM(),
    store.liquidations.fundBalance(),
  ]);
  return cached > cashToNumber(fund);
}

/**
 * The check a withdrawal authorisation runs first: refused while an auction is open on the account
 * (LIQUIDATION__AUCTION_OPEN) or while withdrawals are blocked book-wide (LIQUIDATION__WITHDRAWALS_BLOCKED).
 */
export async function assertWithdrawalAllowed(store: StoreRepositories, account: AccountId): Promise<void> {
  if (await store.liquidations.ongoing(account)) {
    throw new AppError('LIQUIDATION__AUCTION_OPEN', { context: { accountId: account } });
  }
  const cached = await store.liquidations.insolventCachedMM();
  const fund = await store.liquidations.fundBalance();
  if (cached > cashToNumber(fund)) {
    throw new AppError('LIQUIDATION__WITHDRAWALS_BLOCKED', {
      context: { cachedMM: cached, insuranceFund: cashToNumber(fund) },
    });
  }
}

export interface CashPayout {
  /** What the withdrawal pays: floor(claim · held / claims) while socialised loss is outstanding. */
  readonly paid: bigint;
  /** Σ positive cash balances (micro stable units). */
  readonly claims: bigint;
  /** The stable held for them: claims minus the socialised loss not yet absorbed by earlier payouts. */
  readonly held: bigint;
}

/**
 * Spec section 4: socialised loss is booked against all cash claims; while claims exceed the stable held,
 * a cash withdrawal of `claim` pays claim · held / claims, rounded down (bigint). The shortfall of each
 * payout absorbs loss, so the ratio is the same for every claimant until new loss is socialised.
 */
export async function cashPayout(store: StoreRepositories, claim: bigint): Promise<CashPayout> {
  // One after the other: inside a transaction these share one connection.
  const claims = await store.liquidations.cashClaims();
  const loss = await store.liquidations.socialisedLossTotal();
  const absorbed = await store.liquidations.cashWithdrawalHaircuts();
  const outstanding = loss - absorbed;
  if (outstanding <= 0n || claims <= 0n) return { paid: claim, claims, held: claims };
  const held = claims > outstanding ? claims - outstanding : 0n;
  return { paid: (claim * held) / claims, claims, held };
}
