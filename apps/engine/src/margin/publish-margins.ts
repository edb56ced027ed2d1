import { accountId as toAccountId } from '@xmargin/core';
import type { RiskBook, RiskParams } from '@xmargin/risk';
import type { InsertMarginSnapshotParameters } from '@xmargin/store';
import type { Redis } from 'ioredis';
import { commandBatch } from '../redis/command-batch.js';
import type { RedisKeys } from '../redis-keys.js';
import { collateralWarnings, type ResidentAccount } from '../shards/resident-account.js';
import { queueAppendEvents } from '../stream/event-log.js';
import type { MarginEvent } from '../stream/margin-events.js';
import { type HistoryPolicy, type LastHistoryRow, needsHistoryRow } from './history-policy.js';
import type { HistoryQueue } from './history-queue.js';
import type { MarginCache, MarginView, StaleReason } from './margin-cache.js';
import { nearLiquidationPriority } from './near-liquidation.js';
import { copyMark, EVENT_DOUBLES, MARK_BYTES, MARK_DOUBLES, writeMark } from './packed.js';
import type { MarginSummary } from './snapshot.js';
import { thresholdCrossings } from './thresholds.js';
import { viewLedgerJson } from './view-json.js';

/** See PublishState.written. */
export interface WrittenTexts {
  readonly ledger: string;
  /** What the ledger part was made from: the same again gives the same text, not made again. */
  readonly resident: ResidentAccount;
  readonly paramsVersion: number | null;
  readonly stale: StaleReason | undefined;
  /** The view's collateral warnings (JSON) and what they were made from: account, asOf and params. */
  readonly warnings: string;
  readonly warningList: MarginView['warnings'];
  readonly warningsAsOf: number;
  readonly warningParams: PublishMarginsParameters['warningParams'];
  /**
   * The account's near-liquidation rank as written (a move that leaves it unchanged does not write it);
   * updated in place once a publish that changed it succeeded.
   */
  rank: number;
}

/**
 * One account of the owner's book and what the owner last published for it (seeded from Redis on
 * takeover), in one record updated in place: a market move looks each account up once, not once per
 * kind of state.
 */
export interface PublishedAccount {
  /** The account's current resident form (replaced when its ledger rows are read again). */
  resident: ResidentAccount;
  /**
   * The view last published; undefined until published or read from Redis. A market move updates it in
   * place (from the mark part it wrote): the view owns its summary object, shared with nothing else.
   */
  view: MarginView | undefined;
  /**
   * What this process last wrote for the view: its ledger part (a view whose ledger part is unchanged
   * has only its mark part rewritten) and its near-liquidation rank. Undefined after a takeover or a
   * reload: both parts and the rank are written then.
   */
  written: WrittenTexts | undefined;
  /** The account's last history row, as this process remembers it. */
  history: LastHistoryRow | undefined;
  /**
   * False once the account left this process (its shard lost, the account gone): a slice built after
   * that does not write over its new owner's view.
   */
  held: boolean;
}

/** A record for an account this process has not published yet. */
export const publishedAccount = (resident: ResidentAccount): PublishedAccount => ({
  resident,
  view: undefined,
  written: undefined,
  history: undefined,
  held: true,
});

export interface PublishMarginsParameters {
  readonly redis: Redis;
  readonly keys: Pick<RedisKeys, 'marginEvents' | 'marginAlerts' | 'nearLiquidation' | 'uncomputable'>;
  readonly cache: Pick<MarginCache, 'queueSetParts'>;
  readonly history: Pick<HistoryQueue, 'push'>;
  readonly policy: HistoryPolicy;
  readonly thresholds: readonly number[];
  /** Events kept in the margin event log (EVENT_LOG_MAX_LEN). */
  readonly eventLogMaxLen: number;
  readonly now: () => number;
  /** The book's valuation time and parameters. */
  readonly asOf: number;
  readonly paramsVersion: number | null;
  readonly warningParams: Pick<RiskParams, 'collateralMaxAgeSeconds' | 'assets'>;
  /**
   * Called once the slice's commands succeeded, per margin event answering a change (`requestedAt > 0`), with
   * the seconds from the change's acceptance to its margin being readable.
   */
  readonly changeToMargin?: (seconds: number) => void;
  /**
   * The book holding the accounts' margins, read slice by slice: an entry is made when its account's
   * slice is built, not kept for the whole of a move (a move's entries, all alive until its last slice
   * was sent, were promoted out of the young generation and collected as old garbage).
   */
  readonly book: Pick<RiskBook, 'get'>;
  /** The accounts to publish, in order; each updated in place once its slice's commands succeeded. */
  readonly accounts: readonly PublishedAccount[];
  /**
   * When the newest change behind the accounts' recompute was accepted (unix ms): a market or
   * parameters event; 0 for a reload that answers no particular change (takeover, reconciliation). An
   * account's `requestedAt` is the later of this and its own event's time (`acknowledged`). Data, not
   * a function of the account: a function made per batch and called per account from the slice's loop
   * was a new call target in each batch, and V8 threw the loop's optimised code away at the first
   * (seen as the first timed move of a bench costing a worker twice the CPU of the next ones).
   */
  readonly changedAt: number;
  /**
   * Per account, the acceptance time of its own event in this batch: its view is republished with the
   * new `requestedAt` even when nothing changed, so a writer waiting for its change to be reflected
   * sees it. A replayed event carries its original time, not newer than the view's: still a no-op
   * (also when a market or params event in the same batch is newer: that one changed nothing here).
   */
  readonly acknowledged?: ReadonlyMap<string, number>;
}

const sameSummary = (a: MarginSummary | null, b: MarginSummary | null): boolean =>
  a === b ||
  (a !== null &&
    b !== null &&
    a.equity === b.equity &&
    a.initialRequirement === b.initialRequirement &&
    a.maintenanceRequirement === b.maintenanceRequirement &&
    a.initialExcess === b.initialExcess &&
    a.maintenanceExcess === b.maintenanceExcess &&
    a.markToMarket === b.markToMarket);

/**
 * Publishes the accounts whose view changed (summary, ledger inputs, parameters version or status) in
 * one batch of Redis commands (redis/command-batch.ts): the views GET margin reads, the near-liquidation index, the operators' list of
 * accounts that cannot be computed, then the margin and threshold events appended to the event log (after the views, so a
 * subscriber reacting to an event reads the new view). History rows chosen by the policy go to the
 * background history queue once the commands succeeded. An account that cannot be computed is
 * published as `stale` with the error code and since when, keeping its last computed summary: never a
 * wrong margin presented as current. Rejects when Redis refuses; nothing is recorded as published then.
 *
 * A market move publishes tens of thousands of accounts: they go in slices of `PUBLISH_SLICE` (one
 * batch each, sent in order on the one connection, so the log keeps their order), yielding to the
 * event loop between slices so the process keeps renewing its shard leases and reading events while it
 * publishes. The next slice is built while the previous one is in flight (Redis works while this
 * process serialises). A slice that fails leaves the others that succeeded published (and recorded as
 * such): the caller's retry publishes the rest.
 */
export async function publishMargins(p: PublishMarginsParameters): Promise<number> {
  type Sent = { readonly n: number } | { readonly err: unknown };
  let published = 0;
  let failure: { readonly err: unknown } | undefined;
  let inflight: Promise<Sent> | undefined;
  const settle = async (sent: Promise<Sent>) => {
    const r = await sent;
    if ('err' in r) failure ??= r;
    else published += r.n;
  };
  for (let i = 0; i < p.accounts.length && !failure; i += PUBLISH_SLICE) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    // Builds the slice and sends it (its commands written synchronously); settled into a value at
    // once, so a failure while the previous slice is awaited is not an unhandled rejection.
    const sent = publishSlice(p, p.accounts.slice(i, i + PUBLISH_SLICE)).then(
      (n): Sent => ({ n }),
      (err: unknown): Sent => ({ err }),
    );
    if (inflight) await settle(inflight);
    inflight = sent;
  }
  if (inflight) await settle(inflight);
  if (failure) throw failure.err;
  return published;
}

/** Accounts per slice (see publishMargins). */
const PUBLISH_SLICE = 2_000;

/**
 * What a slice packs and encodes its commands into, kept for the next slices: its numbers (mark parts,
 * then margin events) and the bytes of its views' MSETs (margin-cache.ts). A slice in flight holds one
 * until its commands were answered. Buffers made per slice, a few megabytes per market move, are what
 * V8 counts towards starting a full collection of the heap (see redis/command-batch.ts).
 */
interface Scratch {
  readonly numbers: Float64Array;
  readonly bytes: Buffer;
}
const scratchPool: Scratch[] = [];
const SCRATCH_KEPT = 4;
/**
 * Bytes per account of a market move's MSET: its key (up to 128 bytes: the prefix and an id of up to
 * 68), its mark part and their lengths. Longer keys, or ledger parts, get a buffer of their own.
 */
const SCRATCH_BYTES_PER_ACCOUNT = 128 + MARK_BYTES + 16;

function takeScratch(accounts: number): Scratch {
  const doubles = accounts * (MARK_DOUBLES + EVENT_DOUBLES);
  const kept = scratchPool.pop();
  if (kept !== undefined && kept.numbers.length >= doubles) return kept;
  const n = Math.max(accounts, PUBLISH_SLICE);
  return {
    numbers: new Float64Array(n * (MARK_DOUBLES + EVENT_DOUBLES)),
    bytes: Buffer.allocUnsafeSlow(n * SCRATCH_BYTES_PER_ACCOUNT),
  };
}

function giveScratch(scratch: Scratch): void {
  if (scratchPool.length < SCRATCH_KEPT) scratchPool.push(scratch);
}

/**
 * A view's summary, copied: a view kept in a record owns its summary, which a move updates in place
 * (copyMark). A class of its own whose fields hold a fraction (NaN) first, so that V8 keeps them as
 * doubles, written in place (as the book's totals, `HeldTotals` in packages/risk). As an object literal
 * it shared its hidden class with every `{ equity, ... }` literal of the process; one of them holding
 * an integer first made those fields hold boxed numbers, and each in-place update then allocated six
 * numbers per account per move, referenced from the old generation and so promoted there.
 */
class OwnSummary implements MarginSummary {
  equity = Number.NaN;
  initialRequirement = Number.NaN;
  maintenanceRequirement = Number.NaN;
  initialExcess = Number.NaN;
  maintenanceExcess = Number.NaN;
  markToMarket = Number.NaN;
  constructor(s: MarginSummary) {
    this.equity = s.equity;
    this.initialRequirement = s.initialRequirement;
    this.maintenanceRequirement = s.maintenanceRequirement;
    this.initialExcess = s.initialExcess;
    this.maintenanceExcess = s.maintenanceExcess;
    this.markToMarket = s.markToMarket;
  }
}

/**
 * A computable view as published, which moves update in place (`computedAt`, `requestedAt` and its
 * summary): a class for the reason given at OwnSummary (its `requestedAt` is 0 after a takeover, an
 * integer, and a time later). The same keys in the same order as the literal views (JSON, equality).
 */
class OkView implements MarginView {
  readonly accountId: string;
  computedAt = Number.NaN;
  readonly asOf: number;
  readonly inputHash: string;
  readonly paramsVersion: number | null;
  readonly status = 'ok' as const;
  readonly summary: MarginSummary | null;
  readonly freshness: MarginView['freshness'];
  readonly warnings: MarginView['warnings'];
  requestedAt = Number.NaN;
  constructor(
    r: ResidentAccount,
    computedAt: number,
    asOf: number,
    paramsVersion: number | null,
    summary: MarginSummary | null,
    warnings: MarginView['warnings'],
    requestedAt: number,
  ) {
    this.accountId = r.id;
    this.computedAt = computedAt;
    this.asOf = asOf;
    this.inputHash = r.inputHash;
    this.paramsVersion = paramsVersion;
    this.summary = summary;
    this.freshness = r.freshness;
    this.warnings = warnings;
    this.requestedAt = requestedAt;
  }
}

async function publishSlice(
  p: PublishMarginsParameters,
  accounts: PublishMarginsParameters['accounts'],
): Promise<number> {
  // At most one margin event per account is packed (a threshold event is JSON).
  const scratch = takeScratch(accounts.length);
  try {
    return await publishSliceInto(p, accounts, scratch);
  } finally {
    giveScratch(scratch);
  }
}

async function publishSliceInto(
  p: PublishMarginsParameters,
  accounts: PublishMarginsParameters['accounts'],
  scratch: Scratch,
): Promise<number> {
  const now = p.now();
  // Per account written, in order: its record, its id, its ledger part (null: unchanged), its mark part
  // (in `marks`), what was written for it, and either its new view or (a market move) undefined: its
  // view last published is then updated in place from its mark part once the commands succeeded. A
  // move leaves no new object per account behind: objects kept from one move to the next outlive the
  // young generation, and a worker holding 50,000 accounts spends hundreds of milliseconds marking its
  // heap each time its old generation fills up with them. Nor does a slice keep an object per account
  // while it is in flight (the events are dropped once packed), so that few outlive two scavenges.
  const published: PublishedAccount[] = [];
  const ids: string[] = [];
  const ledgers: (string | null)[] = [];
  const marks = scratch.numbers.subarray(0, accounts.length * MARK_DOUBLES);
  const written: WrittenTexts[] = [];
  const views: (MarginView | undefined)[] = [];
  /** (index, rank) of the ranks written. */
  const ranked: number[] = [];
  const events: MarginEvent[] = [];
  const ranks: (string | number)[] = [];
  const staleFields: string[] = [];
  const computable: string[] = [];
  const rows: InsertMarginSnapshotParameters[] = [];
  /** The accounts given a history row, and the row as remembered. */
  const historyOf: PublishedAccount[] = [];
  const historyAt: LastHistoryRow[] = [];

  const acks = p.acknowledged !== undefined && p.acknowledged.size > 0 ? p.acknowledged : undefined;
  for (const a of accounts) {
    if (!a.held) continue;
    const r = a.resident;
    const entry = p.book.get(r.id);
    if (!entry) continue;
    const acknowledgeAt = acks?.get(r.id);
    const changeAt = acknowledgeAt === undefined ? p.changedAt : Math.max(acknowledgeAt, p.changedAt);
    const prev = a.view;
    let summary: MarginSummary | null;
    let stale: StaleReason | undefined;
    if (entry.ok) summary = entry.summary;
    else {
      summary = prev?.summary ?? null;
      stale =
        prev?.status === 'stale' && prev.stale?.code === entry.error.code
          ? prev.stale
          : { code: entry.error.code, message: entry.error.shortMessage, since: now };
    }
    const status = stale ? 'stale' : 'ok';
    if (
      prev &&
      prev.status === status &&
      prev.inputHash === r.inputHash &&
      prev.paramsVersion === p.paramsVersion &&
      sameSummary(prev.summary, summary) &&
      prev.stale?.code === stale?.code &&
      !(acknowledgeAt !== undefined && acknowledgeAt > prev.requestedAt)
    )
      continue;
    const requestedAt = Math.max(prev?.requestedAt ?? 0, changeAt);
    // The warnings depend on the account, asOf and the parameters only: a market move, which changes
    // none of them, reuses the ones written last.
    const last = a.written;
    const sameWarnings =
      last !== undefined &&
      last.resident === r &&
      last.warningsAsOf === p.asOf &&
      last.warningParams === p.warningParams;
    const warnings = sameWarnings ? last.warningList : collateralWarnings(r.account, p.asOf, p.warningParams);
    const warningsText = sameWarnings
      ? last.warnings
      : warnings.length === 0
        ? '[]'
        : JSON.stringify(warnings);
    // A market move: only the mark part changes (the same ledger inputs, parameters, valuation time and
    // warnings, computable before and after), and the view this process last published is updated.
    const inPlace =
      prev !== undefined &&
      summary !== null &&
      prev.summary !== null &&
      !stale &&
      prev.status === 'ok' &&
      prev.inputHash === r.inputHash &&
      prev.paramsVersion === p.paramsVersion &&
      sameWarnings &&
      last.paramsVersion === p.paramsVersion &&
      last.stale === undefined &&
      prev.warnings === warnings &&
      prev.freshness === r.freshness &&
      prev.asOf === p.asOf;
    let ledger: string;
    if (inPlace) {
      ledger = last.ledger;
      views.push(undefined);
    } else {
      const own = summary && new OwnSummary(summary);
      // A literal without a spread (a spread in a literal is a runtime call).
      const view: MarginView = stale
        ? {
            accountId: r.id,
            computedAt: now,
            asOf: p.asOf,
            inputHash: r.inputHash,
            paramsVersion: p.paramsVersion,
            status,
            stale,
            summary: own,
            freshness: r.freshness,
            warnings,
            requestedAt,
          }
        : new OkView(r, now, p.asOf, p.paramsVersion, own, warnings, requestedAt);
      // The ledger part is written only when it differs from what this process wrote last.
      ledger =
        last !== undefined &&
        last.resident === r &&
        last.paramsVersion === p.paramsVersion &&
        last.stale === stale &&
        last.warnings === warningsText
          ? last.ledger
          : viewLedgerJson(view, r.freshnessJson);
      views.push(view);
    }
    writeMark(marks, ids.length * MARK_DOUBLES, now, p.asOf, requestedAt, summary);
    published.push(a);
    ids.push(r.id);
    ledgers.push(last?.ledger === ledger ? null : ledger);
    const rank = nearLiquidationPriority({ summary: stale ? null : summary, hasAssets: r.hasAssets });
    // What was written, kept once the commands succeeded: a new record when the ledger part or what its
    // warnings were made from changed, the same one otherwise (a move changes at most its rank).
    if (last?.ledger !== ledger || !sameWarnings)
      written.push({
        ledger,
        resident: r,
        paramsVersion: p.paramsVersion,
        stale,
        warnings: warningsText,
        warningList: warnings,
        warningsAsOf: p.asOf,
        warningParams: p.warningParams,
        rank,
      });
    else written.push(last);
    if (last?.rank !== rank) {
      ranks.push(rank, r.id);
      ranked.push(written.length - 1, rank);
    }
    if (stale) staleFields.push(r.id, JSON.stringify(stale));
    else if (!prev || prev.status === 'stale') computable.push(r.id);

    let crossed = false;
    if (summary && !stale) {
      const previous = prev?.summary ?? undefined;
      events.push(
        previous
          ? { type: 'margin', accountId: r.id, computedAt: now, summary, previous, requestedAt }
          : { type: 'margin', accountId: r.id, computedAt: now, summary, requestedAt },
      );
      for (const crossing of thresholdCrossings(previous, summary, p.thresholds)) {
        crossed = true;
        const threshold: MarginEvent = {
          type: 'threshold',
          accountId: r.id,
          computedAt: now,
          summary,
          crossing,
          requestedAt,
        };
        events.push(threshold);
      }
    }
    const historySummary = stale ? null : summary;
    if (summary && needsHistoryRow(p.policy, a.history, historySummary, crossed, now)) {
      rows.push({
        account: toAccountId(r.id),
        computedAt: new Date(now),
        inputHash: r.inputHash,
        paramsVersion: p.paramsVersion,
        equity: summary.equity,
        initialRequirement: summary.initialRequirement,
        maintenanceRequirement: summary.maintenanceRequirement,
        result: { summary, status, ...(stale ? { stale } : {}), freshness: r.freshness, asOf: p.asOf },
      });
      historyOf.push(a);
      historyAt.push({ summary: historySummary, at: now });
    }
  }
  if (ids.length === 0) return 0;

  const batch = commandBatch(p.redis);
  const changedAt: number[] = [];
  try {
    const markBytes = Buffer.from(marks.buffer, marks.byteOffset, ids.length * MARK_BYTES);
    p.cache.queueSetParts(batch, ids, { ledgers, marks: markBytes, into: scratch.bytes });
    for (let i = 0; i < ranks.length; i += 2_000)
      batch.zadd(p.keys.nearLiquidation, ...ranks.slice(i, i + 2_000));
    for (let i = 0; i < staleFields.length; i += 2_000)
      batch.hset(p.keys.uncomputable, ...staleFields.slice(i, i + 2_000));
    for (let i = 0; i < computable.length; i += 2_000)
      batch.hdel(p.keys.uncomputable, ...computable.slice(i, i + 2_000));
    // The events are packed here, before any view of the slice is updated in place (`previous` is the
    // view last published).
    queueAppendEvents(batch, p.keys.marginEvents, p.eventLogMaxLen, events, {
      mirror: { key: p.keys.marginAlerts, when: (e) => e.type === 'threshold' },
      packed: (e) => e.type === 'margin',
      packInto: scratch.numbers.subarray(marks.length),
    });
    if (p.changeToMargin)
      for (const e of events)
        if (e.type === 'margin' && e.requestedAt !== undefined && e.requestedAt > 0)
          changedAt.push(e.requestedAt);
  } catch (err) {
    // The commands already sent may still hold views of the scratch array (a connection not ready
    // keeps them queued): it goes back to the pool only once they were answered.
    await batch.settled();
    for (const a of published) a.written = undefined;
    throw err;
  }
  events.length = 0;
  const failed = await batch.settled();
  if (failed) {
    // Some of the slice's writes may have run: what this process wrote for these views is unknown, so
    // their next publish writes both parts (and makes new views: none is updated in place).
    for (const a of published) a.written = undefined;
    throw failed;
  }

  for (let i = 0; i < ranked.length; i += 2) written[ranked[i]!]!.rank = ranked[i + 1]!;
  for (let i = 0; i < published.length; i++) {
    const a = published[i]!;
    const view = views[i];
    if (view) a.view = view;
    else copyMark(marks, i * MARK_DOUBLES, a.view!);
    a.written = written[i]!;
  }
  if (p.changeToMargin) {
    const readable = p.now();
    for (const at of changedAt) p.changeToMargin(Math.max(0, (readable - at) / 1000));
  }
  for (let i = 0; i < historyOf.length; i++) historyOf[i]!.history = historyAt[i]!;
  p.history.push(rows);
  return ids.length;
}
