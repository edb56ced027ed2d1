import type { AccountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import {
  type AuctionParams,
  type AuctionParamsSpec,
  type AuctionState,
  auctionDiscount,
  bufferMargin,
  computeMargin,
  evaluateAuction,
  type FiguresOf,
  insolventBidPrice,
  type MarginDocument,
  maxFraction,
  resolveAuctionParams,
  solventBidPrice,
} from '@xmargin/risk';
import type { AuctionRecord } from '@xmargin/store';
import { loadActiveAuctionParams } from './auction-params.js';
import { toAuctionState } from './auction-state.js';
import { type LiquidationDeps, sharedInputs, unixSeconds } from './liquidation-deps.js';
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

/** The price figures of an ongoing auction at `time` (spec section 3). */
export function priceOf(
  params: AuctionParams,
  auction: AuctionState,
  { mtm, mm }: { mtm: number; mm: number },
  time: number,
): Record<string, unknown> {
  const elapsed = time - auction.phaseStart;
  const bm = bufferMargin(params, { mm, mtm });
  if (auction.kind === 'insolvent') {
    return {
      kind: auction.kind,
      elapsed,
      mtm,
      mm,
      bm,
      price: insolventBidPrice(params, { elapsed, mm, mtm }),
    };
  }
  const discount = auctionDiscount(params, elapsed);
  const reservedCash = auction.reservedCash;
  return {
    kind: auction.kind,
    elapsed,
    mtm,
    mm,
    bm,
    discount,
    price: reservedCash > mtm ? 0 : solventBidPrice(params, { elapsed, mtm, reservedCash }),
    fmax: maxFraction(params, { mtm, bm, discount, reservedCash }),
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
  const global = await sharedInputs(deps);
  const result = await deps.store.transaction(async (tx) => {
    if (!(await tx.liquidations.lockAccount(account))) {
      throw new AppError('LEDGER__NOT_FOUND', { context: { entity: 'account', id: account } });
    }
    const record = await tx.liquidations.ongoing(account);
    const active = record ? null : await loadActiveAuctionParams(tx);
    const params = record ? paramsOf(record) : active!.params;
    const book = await loadLiquidationBook(tx, account, global);
    const figures = figuresAt(book.document, time);
    const ev = evaluateAuction(params, {
      time,
      auction: record ? toAuctionState(record) : null,
      account: book.document.account,
      figures,
    });
    const persisted =
      ev.transitions.length === 0
        ? { record, events: [] as LiquidationEvent[] }
        : await persistEvaluation(tx, {
            account,
            time,
            params,
            paramsVersion: record ? record.paramsVersion : (active?.version ?? null),
            record,
            accountBefore: book.document.account,
            figures,
            transitions: ev.transitions,
            state: ev.auction,
          });
    // Each evaluation of an ongoing auction announces its current price (the `price` stream event).
    if (persisted.record && ev.auction) {
      persisted.events.push({
        type: 'price',
        auctionId: persisted.record.id,
        accountId: account,
        time,
        data: priceOf(params, ev.auction, figures(ev.account), time),
      });
    }
    return { auction: persisted.record, events: persisted.events };
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
  if (deps.events) await publishLiquidationEvents(deps.events, events);
  if (deps.recompute) for (const a of changedAccounts) await deps.recompute(a);
}
