import type { AccountId } from '@xmargin/core';
import type { Market, ParamsSpec, Position, PriceQuote } from '@xmargin/risk';
import type { StoreRepositories } from '@xmargin/store';
import type { BuildDocumentParameters } from './build-document.js';

/** Parameters used while no version has been activated: the spec's mainnet preset. */
export const DEFAULT_PARAMS: ParamsSpec = { preset: 'pmrm-v1-mainnet' };

export interface MarginInputs extends Omit<BuildDocumentParameters, 'asOf'> {
  readonly paramsVersion: number | null;
}

/**
 * Reads everything one account's margin depends on. Each read is a separate statement (no snapshot
 * isolation across them): a change racing this read re-enqueues the account, and the coalescing queue
 * guarantees a later run sees it.
 */
export async function loadMarginInputs(
  store: StoreRepositories,
  accountId: AccountId,
): Promise<MarginInputs> {
  const [balances, positions, market, active] = await Promise.all([
    store.balances.listByAccount(accountId),
    store.positions.listByAccount<Position>(accountId),
    store.marketData.snapshot<Market, PriceQuote>(),
    store.riskParams.getActive<ParamsSpec>(),
  ]);
  return {
    params: active?.params ?? DEFAULT_PARAMS,
    paramsVersion: active?.version ?? null,
    balances: balances.map((b) => ({
      chain: b.chain,
      asset: b.asset,
      amount: b.amount,
      decimals: b.decimals,
      source: b.source,
      holder: b.holder,
      height: b.height,
      observedAt: b.observedAt,
    })),
    positions: positions.map((p) => ({ protocol: p.protocol, positionId: p.positionId, position: p.doc })),
    market: {
      ...(market.stable === null ? {} : { stable: market.stable }),
      prices: market.prices,
      markets: market.markets,
    },
  };
}
