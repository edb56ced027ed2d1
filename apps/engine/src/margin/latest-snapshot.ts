import type { AccountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { EngineContext } from '../context.js';
import type { MarginSnapshot } from './snapshot.js';

type StoredResult = Pick<MarginSnapshot, 'summary' | 'result' | 'positionKeys' | 'freshness' | 'asOf'>;

/**
 * The account's latest snapshot: the Redis cache first (one GET), the Postgres history when the cache
 * is cold (e.g. Redis was replaced), which also re-warms it.
 */
export async function latestSnapshot(ctx: EngineContext, id: AccountId): Promise<MarginSnapshot> {
  const cached = await ctx.marginCache.get(id);
  if (cached) return cached;
  const record = await ctx.store.snapshots.latest<StoredResult>(id);
  if (!record) {
    await ctx.store.accounts.require(id);
    throw new AppError('API__NO_SNAPSHOT', { context: { accountId: id } });
  }
  const snapshot: MarginSnapshot = {
    accountId: id,
    computedAt: record.computedAt.getTime(),
    asOf: record.result.asOf,
    inputHash: record.inputHash,
    paramsVersion: record.paramsVersion,
    summary: record.result.summary,
    freshness: record.result.freshness,
    positionKeys: record.result.positionKeys,
    result: record.result.result,
    requestedAt: record.computedAt.getTime(),
  };
  await ctx.marginCache.set(snapshot);
  return snapshot;
}
