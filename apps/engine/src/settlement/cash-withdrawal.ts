import type { AccountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import { computeMargin } from '@xmargin/risk';
import type { EngineContext } from '../context.js';
import { cashText } from '../liquidation/auction-view.js';
import { cashFloor } from '../liquidation/cash-units.js';
import { loadLiquidationBook } from '../liquidation/load-liquidation-book.js';
import { assertWithdrawalAllowed, cashPayout } from '../liquidation/withdrawal-guard.js';

export interface CashWithdrawal {
  readonly id: bigint;
  readonly claim: bigint;
  readonly paid: bigint;
  /** held / claims when it was paid (1 without outstanding socialised loss). */
  readonly ratio: number;
  /** The account's cash balance after it. */
  readonly cashBalance: bigint;
}

/**
 * A withdrawal from the cash ledger (micro stable units), under the account's row lock: refused like a
 * vault withdrawal while an auction is open on the account or withdrawals are blocked book-wide, beyond
 * the cash balance, or when the account's initial excess would fall below 0. `claim` leaves the ledger;
 * the account is paid `cashPayout` (held/claims of it while socialised losses are outstanding).
 */
export async function withdrawCash(
  ctx: EngineContext,
  id: AccountId,
  req: { claim: bigint; actor: string; note?: string },
): Promise<CashWithdrawal> {
  await ctx.store.accounts.require(id);
  // Shared inputs read before the transaction (see authoriseWithdrawal: one connection inside it).
  const shared = await ctx.globalInputs.get();
  const out = await ctx.store.transaction(async (tx) => {
    await tx.liquidations.lockAccount(id);
    await assertWithdrawalAllowed(tx, id);
    const balance = await tx.liquidations.cashBalance(id);
    const book = await loadLiquidationBook(tx, id, async () => shared);
    const asOf = Math.floor(ctx.now() / 1000);
    const excess = computeMargin({ ...book.document, asOf }).initialExcess;
    // Cash moves equity one for one and no requirement: the most that may leave is min(balance, excess).
    const byMargin = cashFloor(excess);
    let max = balance;
    if (byMargin < max) max = byMargin;
    if (req.claim > max) {
      const reason = req.claim > balance ? ('balance' as const) : ('margin' as const);
      throw new AppError('LIQUIDATION__CASH_WITHDRAWAL_REFUSED', {
        context: { reason, requested: cashText(req.claim), maxAmount: cashText(max > 0n ? max : 0n) },
      });
    }
    const payout = await cashPayout(tx, req.claim);
    const w = await tx.liquidations.addCashWithdrawal({
      account: id,
      claim: req.claim,
      paid: payout.paid,
      actor: req.actor,
      ...(req.note === undefined ? {} : { note: req.note }),
    });
    return {
      id: w.id,
      claim: req.claim,
      paid: payout.paid,
      ratio: payout.claims === 0n ? 1 : Number(payout.held) / Number(payout.claims),
      cashBalance: balance - req.claim,
    };
  });
  await ctx.shardEvents.accountsChanged([id], ctx.now());
  return out;
}
