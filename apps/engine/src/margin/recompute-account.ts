import { accountId as toAccountId } from '@xmargin/core';
import { isAppError } from '@xmargin/errors';
import { HIGHEST_PRIORITY, liquidationPriority } from '@xmargin/jobs';
import { computeMargin } from '@xmargin/risk';
import type { RecomputeReason } from '@xmargin/schemas/jobs';
import { UnrecoverableError } from 'bullmq';
import type { EngineContext } from '../context.js';
import { type MarginEvent, queueMarginEvents } from '../stream/margin-events.js';
import { buildMarginDocument, exposureOf } from './build-document.js';
import { canonicalJsonWithShared, sha256Hex } from './canonical-json.js';
import { loadMarginInputs } from './load-margin-inputs.js';
import { freshnessOf, type MarginSnapshot, summarize } from './snapshot.js';
import { thresholdCrossings } from './thresholds.js';

// Document members that come unchanged from the per-process global inputs (see canonicalJsonWithShared).
const SHARED_MEMBERS: ReadonlySet<string> = new Set(['params', 'stable', 'prices', 'markets']);

export interface RecomputeAccountParameters {
  readonly accountId: string;
  readonly reason: RecomputeReason;
  readonly requestedAt: number;
}

/**
 * Recomputes one account from the ledger: builds the spec section 6 document, runs the risk engine,
 * stores the snapshot (Postgres history, then the Redis cache read by GET margin), refreshes the
 * account's exposure and priority in the fan-out index, and publishes stream events, including
 * threshold crossings against the previous snapshot. Idempotent: running it twice on the same ledger
 * state stores the same result.
 */
export async function recomputeAccount(
  ctx: EngineContext,
  p: RecomputeAccountParameters,
): Promise<MarginSnapshot> {
  const id = toAccountId(p.accountId);
  // Independent reads in parallel: the job's latency is mostly round trips, not computation.
  const [inputs, previous] = await Promise.all([
    loadMarginInputs(ctx.store, id, ctx.globalInputs.get),
    ctx.marginCache.getView(id),
  ]);
  const computedAt = ctx.now();
  const { document, positionKeys } = buildMarginDocument({ ...inputs, asOf: Math.floor(computedAt / 1000) });
  let result: ReturnType<typeof computeMargin>;
  try {
    result = computeMargin(document);
  } catch (err) {
    // Missing market data or an invalid input cannot succeed on retry. Index the account's exposure
    // anyway, so the market data write that fixes it fans out to this account.
    if (isAppError(err) && err.code.startsWith('RISK__')) {
      await ctx.producers.accountIndex.setAccountState(id, {
        underlyings: exposureOf(document),
        priority: HIGHEST_PRIORITY,
      });
      throw new UnrecoverableError(err.message);
    }
    throw err;
  }
  const summary = summarize(result);
  const snapshot: MarginSnapshot = {
    accountId: id,
    computedAt,
    asOf: document.asOf,
    inputHash: sha256Hex(canonicalJsonWithShared(document, SHARED_MEMBERS)),
    paramsVersion: inputs.paramsVersion,
    summary,
    freshness: freshnessOf(document.account.collateral ?? []),
    positionKeys,
    result,
    requestedAt: p.requestedAt,
  };
  const events: MarginEvent[] = [
    {
      type: 'margin',
      accountId: id,
      computedAt,
      summary,
      ...(previous ? { previous: previous.summary } : {}),
    },
  ];
  for (const crossing of thresholdCrossings(previous?.summary, summary, ctx.settings.thresholds)) {
    events.push({ type: 'threshold', accountId: id, computedAt, summary, crossing });
  }
  // The history row joins the process's next grouped INSERT; the Redis writes (cache, fan-out index,
  // events) go out as one MULTI, in this order, so a subscriber reacting to the event already reads the
  // new cache. A failed history insert or Redis write fails the job, which is retried.
  const tx = ctx.redis.multi();
  ctx.marginCache.queueSet(tx, snapshot);
  ctx.producers.accountIndex.queueAccountState(tx, id, {
    underlyings: exposureOf(document),
    priority: liquidationPriority(summary),
  });
  queueMarginEvents(tx, ctx.settings.queuePrefix, events);
  await Promise.all([
    ctx.snapshotHistory.append({
      account: id,
      computedAt: new Date(computedAt),
      inputHash: snapshot.inputHash,
      paramsVersion: snapshot.paramsVersion,
      equity: summary.equity,
      initialRequirement: summary.initialRequirement,
      maintenanceRequirement: summary.maintenanceRequirement,
      result: { summary, result, positionKeys, freshness: snapshot.freshness, asOf: snapshot.asOf },
    }),
    tx.exec().then((replies) => {
      const failed = replies?.find(([err]) => err !== null)?.[0];
      if (failed) throw failed;
    }),
  ]);
  return snapshot;
}
