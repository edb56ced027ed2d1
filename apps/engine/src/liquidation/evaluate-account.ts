import type { AccountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { AuctionParamsSpec, MarginDocument } from '@xmargin/risk';
import {
  type AuctionParams,
  computeMargin,
  evaluateAuction,
  type FiguresOf,
  resolveAuctionParams,
} from '@xmargin/risk';
import type { AuctionRecord } from '@xmargin/store';
import { loadActiveAuctionParams } from './auction-params.js';
import { toAuctionState } from './auction-state.js';
import { type LiquidationDeps, unixSeconds } from './liquidation-deps.js';
import { type LiquidationEvent, publishLiquidationEvents } from './liquidation-events.js';
import { countEvents } from './liquidation-metrics.js';
import { loadLiquidationBook } from './load-liquidation-book.js';
import { persistEvaluation } from './persist-evaluation.js';

/** MtM = equity and MM = maintenanceExcess of the document at `time` (spec section 1). */
export function figuresAt(document: MarginDocument, time: number): FiguresOf {
  return (account) => {
    const r = computeMargin({ ...document, asOf: time, account });
    return { mtm: r.equity, mm: r.maintenanceExcess };
  };
}

/** An ongoing auction keeps the parameters it started with; a new one takes the active version. */
export function paramsOf(record: AuctionRecord): AuctionParams {
  return resolveAuctionParams(record.params as AuctionParamsSpec);
}

export interface EvaluateAccountResult {
  readonly auction: AuctionRecord | null;
  readonly events: readonly LiquidationEvent[];
}

/**
 * Evaluate(t) of spec section 4 for one account, from the ledger, in one transaction holding the account's
 * row lock (so the sweep, a bid and another process never evaluate the same account at once). State is
 * derived from the stored times and reserved cash plus current margins, so this is also the resume path
 * after a restart.
 */
export async function evaluateAccount(
  deps: LiquidationDeps,
  account: AccountId,
): Promise<EvaluateAccountResult> {
  const time = unixSeconds(deps);
  const result = await deps.store.transaction(async (tx) => {
    if (!(await tx.liquidations.lockAccount(account))) {
      throw new AppError('LEDGER__NOT_FOUND', { context: { entity: 'account', id: account } });
    }
    const record = await tx.liquidations.ongoing(account);
    const active = record ? null : await loadActiveAuctionParams(tx);
    const params = record ? paramsOf(record) : active!.params;
    const book = await loadLiquidationBook(tx, account, deps.globalInputs);
    const figures = figuresAt(book.document, time);
    const ev = evaluateAuction(params, {
      time,
      auction: record ? toAuctionState(record) : null,
      account: book.document.account,
      figures,
    });
    if (ev.transitions.length === 0) return { auction: record, events: [] };
    return persistEvaluation(tx, {
      account,
      time,
      params,
      paramsVersion: record ? record.paramsVersion : (active?.version ?? null),
      record,
      accountBefore: book.document.account,
      figures,
      transitions: ev.transitions,
      state: ev.auction,
    }).then((r) => ({ auction: r.record, events: r.events }));
  });
  await afterCommit(deps, result.events, result.events.some((e) => e.data.fee) ? [account] : []);
  return result;
}

/** Stream events, metrics and margin recomputes, once the transaction that caused them committed. */
export async function afterCommit(
  deps: LiquidationDeps,
  events: readonly LiquidationEvent[],
  changedAccounts: readonly AccountId[],
): Promise<void> {
  countEvents(deps.metrics, events);
  if (deps.events) await publishLiquidationEvents(deps.events.redis, deps.events.prefix, events);
  if (deps.recompute) for (const a of changedAccounts) await deps.recompute(a);
}
