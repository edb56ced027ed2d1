import type { AccountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import {
  type ApplyBidReturnType,
  type AuctionTransition,
  actionResult,
  applyBid,
  evaluateAuction,
  type LiquidationActionResult,
  type Position,
} from '@xmargin/risk';
import type { AuctionRecord, StoreRepositories } from '@xmargin/store';
import { authoriseSeizures } from '../settlement/seizures.js';
import { newBidId, toAuctionState } from './auction-state.js';
import { cashCeil, cashFloor, cashToNumber } from './cash-units.js';
import { afterCommit, figuresAt, paramsOf } from './evaluate-account.js';
import { type LiquidationDeps, sharedInputs, unixSeconds } from './liquidation-deps.js';
import type { LiquidationEvent } from './liquidation-events.js';
import { type LiquidationBook, loadLiquidationBook } from './load-liquidation-book.js';
import { persistEvaluation } from './persist-evaluation.js';
import { floorShare } from './split-ledger.js';
import { withdrawalsBlocked } from './withdrawal-guard.js';

export interface PlaceBidParameters {
  readonly auctionId: string;
  readonly bidderAccount: AccountId;
  /** The API key placing it (idempotency keys are per key). */
  readonly keyId: string;
  readonly percent: number;
  readonly maxPrice?: number | undefined;
  readonly expectedSequence?: number | undefined;
  readonly idempotencyKey?: string | undefined;
}

export interface PlaceBidResult {
  readonly bidId: string;
  /** The spec section 6 action object. */
  readonly action: LiquidationActionResult;
  /** True when an earlier request with the same Idempotency-Key produced this result. */
  readonly replayed: boolean;
}

interface Rejection {
  readonly auctionId: string;
  readonly action: LiquidationActionResult;
  readonly required: number;
  readonly available: number;
  readonly price: number;
  readonly maxPrice: number | undefined;
}

function rejectionError(x: Rejection): AppError {
  const action = x.action as unknown as Readonly<Record<string, unknown>>;
  switch (x.action.reason) {
    case 'PRICE_ZERO':
      return new AppError('LIQUIDATION__PRICE_ZERO', { context: { auctionId: x.auctionId, action } });
    case 'INSUFFICIENT_CASH':
      return new AppError('LIQUIDATION__INSUFFICIENT_CASH', {
        context: { required: x.required, available: x.available, action },
      });
    case 'PRICE_LIMIT':
      return new AppError('LIQUIDATION__PRICE_LIMIT', {
        context: { price: x.price, maxPrice: x.maxPrice ?? Number.POSITIVE_INFINITY, action },
      });
    default:
      return new AppError('LIQUIDATION__NO_AUCTION', { context: { auctionId: x.auctionId, action } });
  }
}

/** What a bid would need and pay, for the rejection's context (spec section 4's checks). */
function bidNeeds(r: ApplyBidReturnType, q: number, reserved: number): { required: number; price: number } {
  if (r.kindBefore === 'solvent') {
    const p = Math.min(q, r.pre.fmax);
    const c = (r.bidPrice ?? 0) * p;
    return { required: c + Math.abs(r.pre.bm - reserved) * p, price: c };
  }
  const toBidder = -(r.bidPrice ?? 0) * q;
  return { required: Math.abs(r.pre.mm) * q - toBidder, price: -toBidder };
}

/** The position id a liquidator holds what it took under (one per auction and original position). */
const takenPositionId = (auctionId: string, positionId: string) => `liq:${auctionId}:${positionId}`;

async function movePositions(
  tx: StoreRepositories,
  book: LiquidationBook,
  bidder: AccountId,
  auctionId: string,
  bidId: string,
  p: number,
): Promise<void> {
  const bidderPositions = await tx.positions.listByAccount<Position>(bidder);
  for (const row of book.positions) {
    const doc = row.doc;
    const takenQty = doc.quantity * p;
    const keptQty = doc.quantity - takenQty;
    const fundingTaken = doc.type === 'perp' && doc.funding !== undefined ? doc.funding * p : undefined;
    const kept: Position =
      doc.type === 'perp' && fundingTaken !== undefined
        ? { ...doc, quantity: keptQty, funding: doc.funding! - fundingTaken }
        : { ...doc, quantity: keptQty };
    if (keptQty === 0) {
      await tx.positions.remove({
        protocol: row.protocol,
        account: book.account,
        positionId: row.positionId,
      });
    } else {
      await tx.positions.upsert({
        protocol: row.protocol,
        account: book.account,
        position: { positionId: row.positionId, underlying: row.underlying, doc: kept },
      });
    }
    const toId = takenPositionId(auctionId, row.positionId);
    const held = bidderPositions.find((b) => b.protocol === row.protocol && b.positionId === toId)?.doc;
    const taken: Position =
      doc.type === 'perp'
        ? {
            ...doc,
            quantity: (held?.quantity ?? 0) + takenQty,
            ...(fundingTaken === undefined
              ? {}
              : { funding: ((held?.type === 'perp' ? held.funding : 0) ?? 0) + fundingTaken }),
          }
        : { ...doc, quantity: (held?.quantity ?? 0) + takenQty };
    await tx.positions.upsert({
      protocol: row.protocol,
      account: bidder,
      position: { positionId: toId, underlying: row.underlying, doc: taken },
    });
    await tx.liquidations.insertPositionTransfer({
      protocol: row.protocol,
      auctionId,
      bidId,
      fromAccount: book.account,
      fromPositionId: row.positionId,
      toAccount: bidder,
      toPositionId: toId,
      fraction: p,
      quantity: takenQty,
      doc: { ...doc, quantity: takenQty, ...(fundingTaken === undefined ? {} : { funding: fundingTaken }) },
    });
  }
}

interface LedgerMoves {
  readonly bidCashRaw: bigint;
}

/** The ledger side of an accepted bid (spec section 8), inside the bid's transaction. */
async function applyLedgerMoves(
  tx: StoreRepositories,
  book: LiquidationBook,
  record: AuctionRecord,
  bidder: AccountId,
  bidId: string,
  r: ApplyBidReturnType,
): Promise<LedgerMoves> {
  const p = r.percentOfCurrent;
  const auctionId = record.id;
  await movePositions(tx, book, bidder, auctionId, bidId, p);
  await tx.liquidations.insertInstructions(
    book.holdings
      .map((h) => ({ h, amountRaw: floorShare(h.raw, p) }))
      .filter(({ amountRaw }) => amountRaw > 0n)
      .map(({ h, amountRaw }) => ({
        auctionId,
        bidId,
        chain: h.chain,
        asset: h.asset,
        source: h.source,
        holder: h.holder,
        amountRaw,
        decimals: h.decimals,
        fromAccount: book.account,
        toAccount: bidder,
        kind: h.kind,
        status: h.kind === 'seizure' ? ('pending' as const) : ('unenforceable' as const),
      })),
  );
  // The bidder takes (C − R)·p of the cash; the account keeps the rounding.
  const reserved = record.kind === 'solvent' ? record.reservedCash : 0n;
  const cashShare = floorShare(book.cashRaw - reserved, p);
  await tx.liquidations.addCash({
    account: book.account,
    amount: -cashShare,
    reason: 'share',
    auctionId,
    bidId,
  });
  await tx.liquidations.addCash({ account: bidder, amount: cashShare, reason: 'share', auctionId, bidId });
  const bidCashRaw = cashCeil(r.bidCash);
  if (bidCashRaw > 0n) {
    await tx.liquidations.addCash({ account: bidder, amount: -bidCashRaw, reason: 'bid', auctionId, bidId });
    await tx.liquidations.addCash({
      account: book.account,
      amount: bidCashRaw,
      reason: 'bid',
      auctionId,
      bidId,
    });
  }
  if (r.cashToBidder > 0) {
    const owed = cashFloor(r.cashToBidder);
    const fund = await tx.liquidations.fundBalance();
    const paid = owed < fund ? owed : fund > 0n ? fund : 0n;
    if (paid > 0n) await tx.liquidations.addFundEntry({ amount: -paid, kind: 'draw', auctionId, bidId });
    // Socialised loss is credited to the bidder anyway and booked against all cash claims (spec section 4).
    await tx.liquidations.addCash({ account: bidder, amount: owed, reason: 'insurance', auctionId, bidId });
    if (owed > paid) await tx.liquidations.addSocialisedLoss({ auctionId, bidId, amount: owed - paid });
  }
  return { bidCashRaw };
}

// Fees charged by auctions that an Evaluate started: the account's cash before them.
const startedFees = (transitions: readonly AuctionTransition[]) =>
  transitions.reduce((sum, t) => sum + (t.type === 'started' ? t.fee : 0), 0);

/**
 * Bid(t, q, maxPrice?, bidderCash) of spec section 4 over the ledger, in ONE transaction holding the row
 * locks of the auctioned account and the bidder (so two liquidators bidding at once are serialised: the
 * second sees the first's result; with `expectedSequence` it gets LIQUIDATION__STALE_SEQUENCE, without it
 * the bid is priced on the new state or refused NO_AUCTION). Evaluate, checks, ledger moves, bid row,
 * reserved cash, sequence, fund, settlement instructions and the position-transfer feed commit together.
 * A rejected bid is recorded too (its Evaluate's effects stand) and thrown as LIQUIDATION__<reason>
 * after commit; an Idempotency-Key replays the stored outcome.
 */
export async function placeBid(deps: LiquidationDeps, req: PlaceBidParameters): Promise<PlaceBidResult> {
  const time = unixSeconds(deps);
  const global = await sharedInputs(deps);
  const out = await deps.store.transaction(async (tx) => {
    if (req.idempotencyKey !== undefined) {
      const prior = await tx.liquidations.findBid(req.keyId, req.idempotencyKey);
      if (prior) {
        return {
          bidId: prior.id,
          action: prior.result as unknown as LiquidationActionResult,
          replayed: true,
          auctionId: prior.auctionId,
          events: [] as LiquidationEvent[],
          changed: [] as AccountId[],
          rejection: null as Rejection | null,
        };
      }
    }
    const first = await tx.liquidations.get(req.auctionId);
    if (!first) throw new AppError('LIQUIDATION__NOT_FOUND', { context: { auctionId: req.auctionId } });
    if (first.account === req.bidderAccount) {
      throw new AppError('API__INVALID_REQUEST', {
        context: {
          part: 'body',
          issues: [{ path: '$.bidderAccountId', message: 'cannot bid on its own auction' }],
        },
      });
    }
    // Locks in a fixed order, so two bids locking the same pair of accounts cannot deadlock.
    for (const a of [first.account, req.bidderAccount].sort()) {
      if (!(await tx.liquidations.lockAccount(a))) {
        throw new AppError('LEDGER__NOT_FOUND', { context: { entity: 'account', id: a } });
      }
    }
    const record = (await tx.liquidations.get(req.auctionId))!;
    if (req.expectedSequence !== undefined && record.sequence !== req.expectedSequence) {
      throw new AppError('LIQUIDATION__STALE_SEQUENCE', {
        context: { expected: req.expectedSequence, actual: record.sequence },
      });
    }
    const params = paramsOf(record);
    const book = await loadLiquidationBook(tx, record.account, global);
    const figures = figuresAt(book.document, time);
    const events: LiquidationEvent[] = [];
    // First Evaluate, persisted; the pure Bid's own first Evaluate then has nothing left to do.
    let current: AuctionRecord | null = record.status === 'ongoing' ? record : null;
    let accountDoc = book.document.account;
    let ev1Transitions: AuctionTransition[] = [];
    if (current) {
      const ev1 = evaluateAuction(params, {
        time,
        auction: toAuctionState(current),
        account: accountDoc,
        figures,
      });
      if (ev1.transitions.length > 0) {
        const persisted = await persistEvaluation(tx, {
          account: record.account,
          time,
          params,
          paramsVersion: record.paramsVersion,
          record: current,
          accountBefore: accountDoc,
          figures,
          transitions: ev1.transitions,
          state: ev1.auction,
        });
        events.push(...persisted.events);
        current = persisted.record;
        accountDoc = ev1.account;
        ev1Transitions = ev1.transitions;
      }
    }
    // A bid is for this auction: one that Evaluate ended (and maybe replaced) takes no bid.
    const target = current?.id === record.id ? current : null;
    const bidderCash = cashToNumber(await tx.liquidations.cashBalance(req.bidderAccount));
    const fund = cashToNumber(await tx.liquidations.fundBalance());
    const r = applyBid(params, {
      time,
      auction: target ? toAuctionState(target) : null,
      account: accountDoc,
      figures,
      percent: req.percent,
      maxPrice: req.maxPrice,
      bidderCash,
      insuranceFund: fund,
    });
    const bidId = newBidId();
    let changed: AccountId[] = ev1Transitions.some((t) => t.type === 'started') ? [record.account] : [];
    let after = target;
    if (r.accepted && target) {
      const moves = await applyLedgerMoves(tx, book, target, req.bidderAccount, bidId, r);
      changed = [record.account, req.bidderAccount];
      after = await tx.liquidations.updateAuction({
        ...target,
        reservedCash: target.kind === 'solvent' ? target.reservedCash + moves.bidCashRaw : 0n,
        sequence: target.sequence + 1,
        remainingFraction: target.remainingFraction * (1 - r.percentOfCurrent),
      });
      const body = {
        bidId,
        bidder: req.bidderAccount,
        percentOfCurrent: r.percentOfCurrent,
        percentOfOriginal: r.percentOfOriginal,
        bidCash: r.bidCash,
        cashToBidder: r.cashToBidder,
        insuranceFundPaid: r.insuranceFundPaid,
        socialisedLoss: r.socialisedLoss,
      };
      await tx.liquidations.addEvent({ auctionId: target.id, type: 'bid', time, body });
      events.push({ type: 'bid', auctionId: target.id, accountId: record.account, time, data: body });
      if (r.insuranceFundPaid > 0) {
        await tx.liquidations.addEvent({
          auctionId: target.id,
          type: 'insurance_draw',
          time,
          body: { bidId, amount: r.insuranceFundPaid },
        });
      }
      if (r.socialisedLoss > 0) {
        await tx.liquidations.addEvent({
          auctionId: target.id,
          type: 'socialised_loss',
          time,
          body: { bidId, amount: r.socialisedLoss },
        });
      }
      // The bid's own termination (MAX_FRACTION, FULL_BID) and the second Evaluate.
      const persisted = await persistEvaluation(tx, {
        account: record.account,
        time,
        params,
        paramsVersion: record.paramsVersion,
        record: after,
        accountBefore: { ...r.account, cash: (r.account.cash ?? 0) + startedFees(r.transitions) },
        figures,
        transitions: r.transitions,
        state: r.auction,
      });
      events.push(...persisted.events);
    }
    const blocked = await withdrawalsBlocked(tx);
    const action = actionResult(time, r, [...ev1Transitions, ...r.transitions], blocked);
    await tx.liquidations.insertBid({
      id: bidId,
      auctionId: record.id,
      sequence: (after ?? record).sequence,
      bidderAccount: req.bidderAccount,
      keyId: req.keyId,
      idempotencyKey: req.idempotencyKey ?? null,
      time,
      request: {
        bidderAccountId: req.bidderAccount,
        percent: req.percent,
        ...(req.maxPrice === undefined ? {} : { maxPrice: req.maxPrice }),
        ...(req.expectedSequence === undefined ? {} : { expectedSequence: req.expectedSequence }),
      },
      result: action,
      accepted: r.accepted,
      reason: r.reason,
    });
    const needs = bidNeeds(r, req.percent, target ? cashToNumber(target.reservedCash) : 0);
    return {
      bidId,
      action,
      replayed: false,
      auctionId: record.id,
      events,
      changed,
      rejection: { auctionId: record.id, action, ...needs, available: bidderCash, maxPrice: req.maxPrice },
    };
  });
  // A replayed Idempotency-Key is the same bid: counted once.
  if (!out.replayed) {
    deps.metrics?.bids.inc({ outcome: out.action.accepted ? 'accepted' : (out.action.reason ?? 'rejected') });
  }
  if (!out.replayed && out.action.accepted) {
    if (out.action.insuranceFundPaid > 0) deps.metrics?.insuranceDraws.inc(out.action.insuranceFundPaid);
    if (out.action.socialisedLoss > 0) deps.metrics?.socialisedLoss.inc(out.action.socialisedLoss);
  }
  await afterCommit(deps, out.events, out.changed);
  // The bid's vault seizures are signed at once; a failure here leaves them to the next sweep tick.
  if (!out.replayed && out.action.accepted && deps.settlement) {
    await authoriseSeizures({ ...deps, settlement: deps.settlement }, { auctionId: out.auctionId }).catch(
      () => undefined,
    );
  }
  if (!out.action.accepted) {
    throw rejectionError(
      out.rejection ?? {
        auctionId: out.auctionId,
        action: out.action,
        required: 0,
        available: 0,
        price: 0,
        maxPrice: undefined,
      },
    );
  }
  return { bidId: out.bidId, action: out.action, replayed: out.replayed };
}
