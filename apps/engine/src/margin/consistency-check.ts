import { accountId as toAccountId } from '@xmargin/core';
import { isAppError } from '@xmargin/errors';
import { computeMargin } from '@xmargin/risk';
import type { StoreRepositories } from '@xmargin/store';
import { accountInputHash } from '../shards/resident-account.js';
import { buildMarginDocument } from './build-document.js';
import { loadMarginInputs } from './load-margin-inputs.js';
import type { MarginCache } from './margin-cache.js';
import { type MarginSummary, SUMMARY_FIELDS, summarize } from './snapshot.js';

export interface ConsistencyMismatch {
  readonly accountId: string;
  readonly reason: 'missing' | 'input-hash' | 'summary' | 'status';
  readonly cached: MarginSummary | null;
  readonly scratch: MarginSummary | null;
}

/** Equal to 1e-9 relative (the book aggregates over shared arrays in another order than computeMargin). */
export function summariesAgree(a: MarginSummary, b: MarginSummary, relative = 1e-9): boolean {
  return SUMMARY_FIELDS.every(
    (f) => Math.abs(a[f] - b[f]) <= relative * Math.max(1, Math.abs(a[f]), Math.abs(b[f])),
  );
}

/**
 * Compares the cached views of the given accounts with a from-scratch `computeMargin` of the ledger at
 * each view's asOf (market data and parameters read now, from Postgres). An account that cannot be
 * computed must be cached as `stale`. A change still in flight shows as a mismatch too: callers reload
 * mismatching accounts, which settles both cases.
 */
export async function checkConsistency(
  deps: {
    readonly store: Pick<
      StoreRepositories,
      'balances' | 'positions' | 'marketData' | 'riskParams' | 'liquidations'
    >;
    readonly cache: Pick<MarginCache, 'getViews'>;
  },
  accountIds: readonly string[],
): Promise<ConsistencyMismatch[]> {
  const views = await deps.cache.getViews(accountIds);
  const out: ConsistencyMismatch[] = [];
  for (const [i, id] of accountIds.entries()) {
    const view = views[i] ?? null;
    if (!view) {
      out.push({ accountId: id, reason: 'missing', cached: null, scratch: null });
      continue;
    }
    const inputs = await loadMarginInputs(deps.store, toAccountId(id));
    const { document } = buildMarginDocument({ ...inputs, asOf: view.asOf });
    let scratch: MarginSummary | null = null;
    try {
      scratch = summarize(computeMargin(document));
    } catch (err) {
      if (!isAppError(err)) throw err;
    }
    if (accountInputHash(document.account) !== view.inputHash)
      out.push({ accountId: id, reason: 'input-hash', cached: view.summary, scratch });
    else if ((scratch === null) !== (view.status === 'stale'))
      out.push({ accountId: id, reason: 'status', cached: view.summary, scratch });
    else if (scratch && (!view.summary || !summariesAgree(view.summary, scratch)))
      out.push({ accountId: id, reason: 'summary', cached: view.summary, scratch });
  }
  return out;
}
