import type { AccountId } from '@xmargin/core';
import { isAppError } from '@xmargin/errors';
import { computeMargin } from '@xmargin/risk';
import type { EngineContext } from '../context.js';
import { accountInputHash } from '../shards/resident-account.js';
import { buildMarginDocument } from './build-document.js';
import { loadMarginInputs } from './load-margin-inputs.js';
import type { MarginView } from './margin-cache.js';
import { freshnessOf, summarize } from './snapshot.js';

/**
 * GET margin's answer when the account has no cached view (its shard is being taken over, or Redis
 * lost its state): computed from the ledger now, like explain, and not cached (the shard's owner writes
 * the cache). An account that cannot be computed answers `stale` with the error code.
 */
export async function marginOnDemand(
  ctx: Pick<EngineContext, 'store' | 'globalInputs' | 'now'>,
  id: AccountId,
): Promise<MarginView> {
  await ctx.store.accounts.require(id);
  const inputs = await loadMarginInputs(ctx.store, id, ctx.globalInputs.get);
  const now = ctx.now();
  const { document } = buildMarginDocument({ ...inputs, asOf: Math.floor(now / 1000) });
  const base = {
    accountId: id,
    computedAt: now,
    asOf: document.asOf,
    inputHash: accountInputHash(document.account),
    paramsVersion: inputs.paramsVersion,
    freshness: freshnessOf(document.account.collateral ?? []),
    requestedAt: now,
  };
  try {
    const result = computeMargin(document);
    return {
      ...base,
      status: 'ok',
      summary: summarize(result),
      warnings: result.warnings.map((w) => ({ code: w.code, path: w.path, message: w.message })),
    };
  } catch (err) {
    // The ledger was read before the try: what fails here is the risk computation of this data.
    if (!isAppError(err)) throw err;
    return {
      ...base,
      status: 'stale',
      stale: { code: err.code, message: err.shortMessage, since: now },
      summary: null,
      warnings: [],
    };
  }
}
