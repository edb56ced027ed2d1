import { type AuctionParams, type AuctionParamsSpec, resolveAuctionParams } from '@xmargin/risk';
import type { StoreRepositories } from '@xmargin/store';

/** The active liquidation parameter version (spec section 2), or the default preset when none is active. */
export async function loadActiveAuctionParams(
  store: StoreRepositories,
): Promise<{ params: AuctionParams; version: number | null }> {
  const active = await store.liquidationParams.getActive<AuctionParamsSpec>();
  if (!active) return { params: resolveAuctionParams(), version: null };
  return { params: resolveAuctionParams(active.params), version: active.version };
}
