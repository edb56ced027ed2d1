import type { AccountId } from '@xmargin/core';
import {
  type Account,
  type AuctionParams,
  type AuctionState,
  type AuctionTransition,
  bufferMargin,
  type FiguresOf,
} from '@xmargin/risk';
import type { AuctionRecord, StoreRepositories } from '@xmargin/store';
import { newAuctionId } from './auction-state.js';
import { cashCeil } from './cash-units.js';
import type { LiquidationEvent } from './liquidation-events.js';

export interface PersistEvaluationParameters {
  readonly account: AccountId;
  readonly time: number;
  readonly params: AuctionParams;
  readonly paramsVersion: number | null;
  /** The stored auction in force before these transitions (null: none). */
  readonly record: AuctionRecord | null;
  /** The account document before these transitions (fees are taken from its cash as they happen). */
  readonly accountBefore: Account;
  readonly figures: FiguresOf;
  readonly transitions: readonly AuctionTransition[];
  /** The auction in force after them, as the pure state machine left it. */
  readonly state: AuctionState | null;
}

/**
 * Writes the transitions of one Evaluate (spec section 4) inside the caller's transaction: new auction
 * rows with their start figures, fees from the account's cash to the insurance fund, conversions and
 * terminations, one event row each. Returns the auction in force after them and the stream events.
 */
export async function persistEvaluation(
  tx: StoreRepositories,
  p: PersistEvaluationParameters,
): Promise<{ record: AuctionRecord | null; events: LiquidationEvent[] }> {
  let record = p.record;
  let feesSoFar = 0;
  const events: LiquidationEvent[] = [];
  const event = (type: LiquidationEvent['type'], r: AuctionRecord, data: Record<string, unknown>) =>
    events.push({ type, auctionId: r.id, accountId: p.account, time: p.time, data });
  for (const t of p.transitions) {
    if (t.type === 'started') {
      const before = p.figures({ ...p.accountBefore, cash: (p.accountBefore.cash ?? 0) - feesSoFar });
      const bm = bufferMargin(p.params, before);
      const fee = cashCeil(t.fee);
      feesSoFar += t.fee;
      record = await tx.liquidations.insertAuction({
        id: newAuctionId(p.time),
        account: p.account,
        paramsVersion: p.paramsVersion,
        params: p.params,
        kind: t.kind,
        startTime: p.time,
        phaseStart: p.time,
        cachedMM: t.kind === 'insolvent' ? -before.mm : 0,
        startMtM: before.mtm,
        startMM: before.mm,
        startBM: bm,
        fee,
      });
      await tx.liquidations.addEvent({
        auctionId: record.id,
        type: 'started',
        time: p.time,
        body: { kind: t.kind, mtm: before.mtm, mm: before.mm, bm, fee: t.fee },
      });
      event('started', record, { kind: t.kind, mtm: before.mtm, mm: before.mm, bm, fee: t.fee });
      if (fee > 0n) {
        await tx.liquidations.addCash({
          account: p.account,
          amount: -fee,
          reason: 'fee',
          auctionId: record.id,
        });
        await tx.liquidations.addFundEntry({ amount: fee, kind: 'fee', auctionId: record.id });
        await tx.liquidations.addEvent({
          auctionId: record.id,
          type: 'fee',
          time: p.time,
          body: { fee: t.fee },
        });
      }
    } else if (t.type === 'converted' && record) {
      const phaseStart = record.startTime + p.params.fastSeconds + p.params.slowSeconds;
      record = await tx.liquidations.updateAuction({
        ...record,
        kind: 'insolvent',
        phaseStart,
        reservedCash: 0n,
        cachedMM: p.state?.cachedMM ?? record.cachedMM,
        sequence: record.sequence + 1,
      });
      await tx.liquidations.addEvent({ auctionId: record.id, type: 'converted', time: p.time, body: t });
      event('converted', record, { kind: 'insolvent', cachedMM: record.cachedMM });
    } else if (t.type === 'terminated' && record) {
      record = await tx.liquidations.updateAuction({
        ...record,
        status: 'ended',
        sequence: record.sequence + 1,
        endTime: p.time,
        endReason: t.reason,
      });
      await tx.liquidations.addEvent({ auctionId: record.id, type: 'terminated', time: p.time, body: t });
      event('terminated', record, { kind: t.kind, reason: t.reason });
      record = null;
    }
  }
  return { record, events };
}
