import { type AccountId, accountId as toAccountId } from '@xmargin/core';
import { AppError, isAppError } from '@xmargin/errors';
import { HIGHEST_PRIORITY, liquidationPriority } from '@xmargin/jobs';
import { computeMargin, type Position } from '@xmargin/risk';
import type { RecomputeReason } from '@xmargin/schemas/jobs';
import { UnrecoverableError } from 'bullmq';
import type { EngineContext } from '../context.js';
import { cashToNumber } from '../liquidation/cash-units.js';
import { type MarginEvent, queueMarginEvents } from '../stream/margin-events.js';
import { buildMarginDocument, exposureOf } from './build-document.js';
import { canonicalJsonWithShared, sha256Hex } from './canonical-json.js';
import { toMarginInputs } from './load-margin-inputs.js';
import type { MarginView } from './margin-cache.js';
import { freshnessOf, type MarginSnapshot, summarize } from './snapshot.js';
import { thresholdCrossings } from './thresholds.js';

// Document members that come unchanged from the per-process global inputs (see canonicalJsonWithShared).
const SHARED_MEMBERS: ReadonlySet<string> = new Set(['params', 'stable', 'prices', 'markets']);

export interface RecomputeAccountParameters {
  readonly accountId: string;
  readonly reason: RecomputeReason;
  readonly requestedAt: number;
}

/** One account's result within a batch: its snapshot, or why it failed (the job fails with it). */
export type RecomputeOutcome =
  | { readonly ok: true; readonly snapshot: MarginSnapshot }
  | { readonly ok: false; readonly error: unknown };

/**
 * Recomputes a batch of accounts from the ledger: for each, builds the spec section 6 document, runs
 * the risk engine, stores the snapshot (Postgres history, then the Redis cache read by GET margin),
 * refreshes the account's exposure and priority in the fan-out index, and publishes stream events,
 * including threshold crossings against the previous snapshot.
 *
 * The I/O is per batch, not per account: one query for the balances and one for the positions of every
 * account, one MGET of the previous views, one history INSERT and one Redis MULTI. Those costs land on
 * Postgres and Redis, which every worker process shares, so batching them is what lets worker processes
 * scale. The risk computation stays per account (each snapshot carries its full §6 result).
 *
 * Never rejects: each request gets its own outcome. An account that does not exist or whose inputs
 * cannot be computed (missing market data, invalid position) fails alone with UnrecoverableError; a failed read or write fails
 * every account of the batch with that error, and their jobs are retried.
 */
export async function recomputeAccounts(
  ctx: EngineContext,
  requests: readonly RecomputeAccountParameters[],
): Promise<RecomputeOutcome[]> {
  try {
    return await recomputeBatch(ctx, requests);
  } catch (error) {
    return requests.map(() => ({ ok: false, error }));
  }
}

async function recomputeBatch(
  ctx: EngineContext,
  requests: readonly RecomputeAccountParameters[],
): Promise<RecomputeOutcome[]> {
  if (requests.length === 0) return [];
  const ids = [...new Set(requests.map((r) => toAccountId(r.accountId)))];
  // Independent reads in parallel: the batch's latency is mostly round trips, not computation.
  const [existing, balances, positions, shared, previousViews, cash] = await Promise.all([
    ctx.store.accounts.existing(ids),
    ctx.store.balances.listByAccounts(ids),
    ctx.store.positions.listByAccounts<Position>(ids),
    ctx.globalInputs.get(),
    ctx.marginCache.getViews(ids),
    ctx.store.liquidations.cashBalances(ids),
  ]);
  const previous = new Map<AccountId, Pick<MarginView, 'summary'> | null>(
    ids.map((id, i) => [id, previousViews[i] ?? null]),
  );

  // The history rows join the process's next grouped INSERT; the Redis writes (cache, fan-out index,
  // events) of the whole batch go out as one MULTI, each account's in this order, so a subscriber
  // reacting to an event already reads the new cache.
  const tx = ctx.redis.multi();
  const history: Promise<void>[] = [];
  const outcomes: RecomputeOutcome[] = requests.map((p) => {
    const id = toAccountId(p.accountId);
    // A job for an account that does not exist (deleted meanwhile) can never succeed, and its history
    // row would fail the INSERT it shares with the rest of the batch.
    if (!existing.has(id)) {
      const err = new AppError('LEDGER__NOT_FOUND', { context: { entity: 'account', id } });
      return { ok: false, error: new UnrecoverableError(err.message) };
    }
    const inputs = toMarginInputs(
      balances.get(id) ?? [],
      positions.get(id) ?? [],
      shared,
      cashToNumber(cash.get(id) ?? 0n),
    );
    const computedAt = ctx.now();
    // Everything that can throw for this account's data comes before its first queued write, so a
    // failure here stays this account's alone.
    let built: ReturnType<typeof buildMarginDocument> | undefined;
    let snapshot: MarginSnapshot;
    try {
      built = buildMarginDocument({ ...inputs, asOf: Math.floor(computedAt / 1000) });
      const { document, positionKeys } = built;
      const result = computeMargin(document);
      snapshot = {
        accountId: id,
        computedAt,
        asOf: document.asOf,
        inputHash: sha256Hex(canonicalJsonWithShared(document, SHARED_MEMBERS)),
        paramsVersion: inputs.paramsVersion,
        summary: summarize(result),
        freshness: freshnessOf(document.account.collateral ?? []),
        positionKeys,
        result,
        requestedAt: p.requestedAt,
      };
    } catch (err) {
      // Missing market data or an invalid input cannot succeed on retry. Index the account's exposure
      // anyway, so the market data write that fixes it fans out to this account.
      if (built && isAppError(err) && err.code.startsWith('RISK__')) {
        ctx.producers.accountIndex.queueAccountState(tx, id, {
          underlyings: exposureOf(built.document),
          priority: HIGHEST_PRIORITY,
        });
        return { ok: false, error: new UnrecoverableError(err.message) };
      }
      return { ok: false, error: err };
    }
    const { summary, result, positionKeys } = snapshot;
    const document = built.document;
    const before = previous.get(id);
    // The same account twice in one batch: the second run's previous is the first's.
    previous.set(id, { summary });
    const events: MarginEvent[] = [
      { type: 'margin', accountId: id, computedAt, summary, ...(before ? { previous: before.summary } : {}) },
    ];
    for (const crossing of thresholdCrossings(before?.summary, summary, ctx.settings.thresholds)) {
      events.push({ type: 'threshold', accountId: id, computedAt, summary, crossing });
    }
    ctx.marginCache.queueSet(tx, snapshot);
    ctx.producers.accountIndex.queueAccountState(tx, id, {
      underlyings: exposureOf(document),
      priority: liquidationPriority(summary),
    });
    queueMarginEvents(tx, ctx.settings.queuePrefix, events);
    history.push(
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
    );
    return { ok: true, snapshot };
  });
  // A failed history insert or Redis write fails the whole batch (caught by recomputeAccounts).
  await Promise.all([
    ...history,
    tx.exec().then((replies) => {
      const failed = replies?.find(([err]) => err !== null)?.[0];
      if (failed) throw failed;
    }),
  ]);
  return outcomes;
}
