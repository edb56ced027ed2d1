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
  const [cached, fund] = await Promise.all([
    store.liquidations.insolventCachedMM(),
    store.liquidations.fundBalance(),
  ]);
  if (cached > cashToNumber(fund)) {
    throw new AppError('LIQUIDATION__WITHDRAWALS_BLOCKED', {
      context: { cachedMM: cached, insuranceFund: cashToNumber(fund) },
    });
  }
}
