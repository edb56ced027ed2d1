import type { AccountId } from '@xmargin/core';
import type { Position } from '@xmargin/risk';
import type { BalanceRecord, PositionRecord, StoreRepositories } from '@xmargin/store';
import { cashToNumber } from '../liquidation/cash-units.js';
import type { BuildDocumentParameters } from './build-document.js';
import { type GlobalInputs, loadGlobalInputs } from './global-inputs.js';

export interface MarginInputs extends Omit<BuildDocumentParameters, 'asOf'> {
  readonly paramsVersion: number | null;
}

/** One account's ledger rows plus the shared inputs, as the document builder takes them. */
export function toMarginInputs(
  balances: readonly BalanceRecord[],
  positions: readonly PositionRecord<Position>[],
  shared: GlobalInputs,
  cash = 0,
): MarginInputs {
  return {
    cash,
    params: shared.params,
    paramsVersion: shared.paramsVersion,
    balances: balances.map((b) => ({
      chain: b.chain,
      asset: b.asset,
      amount: b.amount,
      decimals: b.decimals,
      source: b.source,
      trust: b.trust,
      holder: b.holder,
      height: b.height,
      observedAt: b.observedAt,
    })),
    positions: positions.map((p) => ({ protocol: p.protocol, positionId: p.positionId, position: p.doc })),
    market: shared.market,
  };
}

/**
 * Reads everything one account's margin depends on: its balances and positions from the ledger, plus
 * the shared market data and parameters (from the per-process cache when given). A change racing this
 * read re-enqueues the account, and the coalescing queue guarantees a later run sees it.
 */
export async function loadMarginInputs(
  store: Pick<StoreRepositories, 'balances' | 'positions' | 'marketData' | 'riskParams' | 'liquidations'>,
  accountId: AccountId,
  global?: () => Promise<GlobalInputs>,
): Promise<MarginInputs> {
  const [balances, positions, shared, cash] = await Promise.all([
    store.balances.listByAccount(accountId),
    store.positions.listByAccount<Position>(accountId),
    global ? global() : loadGlobalInputs(store),
    store.liquidations.cashBalance(accountId),
  ]);
  return toMarginInputs(balances, positions, shared, cashToNumber(cash));
}
