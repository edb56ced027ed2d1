import { type AppError, isAppError } from '@xmargin/errors';
import type { Account, MarginSummary } from '../types.js';
import { type AccountRun, buildAccountRun, releaseAccountRun } from './account-run.js';
import {
  type AccountTotals,
  accountTotals,
  aggregateSegment,
  HeldTotals,
  type KernelParams,
  kernelParams,
  overflowError,
  summaryOf,
} from './aggregate.js';
import { createInstrumentTable } from './instrument-table.js';
import { applyMarketPatch, type BookMarket, type MarketChange } from './market-patch.js';
import { createModelContext, isPmrm2, type ModelContext } from './model-context.js';
import { createRiskArrays, type RiskArrays, revalueUnderlying, valueNew } from './risk-arrays.js';
import { copyRun, createRunStore, type RunStore } from './run-store.js';

export type { BookMarket } from './market-patch.js';

/**
 * The margin of one account of a book: its headline figures (as `computeMarginSummary` of the account
 * on the book's market), or the AppError that account alone fails with.
 */
export type BookEntry =
  | { readonly ok: true; readonly summary: MarginSummary }
  | { readonly ok: false; readonly error: AppError };

/** A mutable book of accounts, keyed by id, margined together over shared instrument risk arrays. */
export interface RiskBook {
  readonly accountCount: number;
  /** Instruments held by at least one account. */
  readonly instrumentCount: number;
  /** Adds or replaces one account and margins it (and only it). */
  upsertAccount(id: string, account: Account): BookEntry;
  /** Drops one account; false when the book did not hold it. */
  removeAccount(id: string): boolean;
  /**
   * Applies a market patch (`markets` and `prices` merge per underlying and per asset; `asOf`,
   * `stable` and `params` replace), revalues only the instruments whose data changed and re-margins
   * only the accounts exposed to the change. Returns the ids it recomputed. Invalid market data throws
   * its AppError and leaves the book as it was.
   */
  updateMarket(patch: Partial<BookMarket>): readonly string[];
  /** Replaces the parameters and re-margins every account; returns their ids. */
  updateParams(params: BookMarket['params']): readonly string[];
  /** The account's margin now: a new entry per call (the book keeps none), undefined when not held. */
  get(id: string): BookEntry | undefined;
  ids(): IterableIterator<string>;
}

interface Slot {
  readonly id: string;
  account: Account;
  /**
   * Its legs and segments in the book's store; undefined while the account cannot be built on the
   * current market (`error` says why).
   */
  run: AccountRun | undefined;
  /** Written in place by every recompute: a refresh allocates nothing per account, nor keeps any. */
  readonly totals: AccountTotals;
  error: AppError | undefined;
  /** The last re-aggregation pass that visited this account. */
  seen: number;
}

function appError(e: unknown): AppError {
  if (!isAppError(e)) throw e;
  return e;
}

/**
 * A new entry per read, not kept: a book that kept the entries it handed out held new objects per
 * account and market move until the next one, long enough to reach the old generation, where an engine
 * reading every account of every move collected them as old garbage. A consumer that keeps an entry
 * keeps its own.
 */
function entryOf(slot: Slot): BookEntry {
  return slot.error ? { ok: false, error: slot.error } : { ok: true, summary: summaryOf(slot.totals) };
}

function addTo<K, V>(index: Map<K, Set<V>>, key: K, value: V): void {
  let set = index.get(key);
  if (!set) {
    set = new Set();
    index.set(key, set);
  }
  set.add(value);
}

/**
 * Builds a book from `accounts` ([id, account] pairs; a repeated id replaces the earlier account).
 * Every distinct instrument gets one SPAN-style risk array, each account a run of (instrument,
 * quantity) legs; margining an account is then additions over shared arrays (`aggregate.ts`, the
 * formula `computeMargin` uses too), with no option pricing. An account whose positions refer to
 * missing market data, or whose figures overflow, fails alone and is retried on the next market or
 * parameter change. Throws the AppError of invalid market data or parameters.
 */
export function createRiskBook(
  initialMarket: BookMarket,
  accounts: Iterable<readonly [string, Account]> = [],
): RiskBook {
  let market = initialMarket;
  let ctx: ModelContext = createModelContext(market);
  let kernel: KernelParams = kernelParams(ctx);
  const table = createInstrumentTable();
  let arrays: RiskArrays = createRiskArrays(kernel.n);
  /** Every account's run; a replaced or removed run's ranges stay behind until `compact`. */
  let store: RunStore = createRunStore(1024, 128);
  let garbageLegs = 0;
  let garbageSegments = 0;
  const slots = new Map<string, Slot>();
  /** Accounts with a run, per underlying index they are exposed to. */
  const exposed = new Map<number, Set<Slot>>();
  /** Accounts with a run, per collateral asset they hold. */
  const holders = new Map<string, Set<Slot>>();
  /** Accounts with a run whose collateral staleness depends on asOf. */
  const timestamped = new Set<Slot>();
  /** Accounts without a run. */
  const failed = new Set<Slot>();
  /** Numbers each re-aggregation pass, so an account exposed to two changed underlyings is done once. */
  let epoch = 0;

  function touchedFlags(touched: ReadonlySet<number>): Uint8Array {
    const flags = new Uint8Array(table.underlyings.length);
    for (const u of touched) flags[u] = 1;
    return flags;
  }

  function unindex(slot: Slot, run: AccountRun): void {
    for (let j = run.segLo; j < run.segHi; j++) exposed.get(store.segU[j]!)!.delete(slot);
    for (const a of run.assets) holders.get(a)!.delete(slot);
    timestamped.delete(slot);
  }

  function index(slot: Slot, run: AccountRun): void {
    for (let j = run.segLo; j < run.segHi; j++) addTo(exposed, store.segU[j]!, slot);
    for (const a of run.assets) addTo(holders, a, slot);
    if (run.timestamped) timestamped.add(slot);
  }

  function total(slot: Slot, run: AccountRun): boolean {
    const finite = accountTotals(kernel, run.terms, store, run.segLo, run.segHi, slot.totals);
    slot.error = finite ? undefined : overflowError(slot.totals);
    return finite;
  }

  /** Drops a run: its references, its index entries, and its ranges (left to `compact`). */
  function drop(slot: Slot, run: AccountRun): void {
    unindex(slot, run);
    releaseAccountRun(table, store, run);
    garbageLegs += run.legHi - run.legLo;
    garbageSegments += run.segHi - run.segLo;
  }

  /**
   * Moves the live runs to a fresh store once the ranges left behind outnumber them (upserts that
   * replace accounts append their new runs).
   */
  function compact(): void {
    const liveLegs = store.legCount - garbageLegs;
    if (garbageLegs < 4096 || garbageLegs < liveLegs) return;
    const next = createRunStore(liveLegs + 1024, store.segCount - garbageSegments + 128);
    for (const slot of slots.values()) {
      const run = slot.run;
      if (!run) continue;
      const at = copyRun(store, next, run.legLo, run.legHi, run.segLo, run.segHi);
      run.legHi = at.legLo + run.legHi - run.legLo;
      run.legLo = at.legLo;
      run.segHi = at.segLo + run.segHi - run.segLo;
      run.segLo = at.segLo;
    }
    store = next;
    garbageLegs = 0;
    garbageSegments = 0;
  }

  /** Builds the account's run afresh from its positions and collateral, then margins it. */
  function rebuild(slot: Slot): void {
    const old = slot.run;
    let run: AccountRun;
    try {
      run = buildAccountRun(ctx, table, store, slot.account);
    } catch (e) {
      slot.error = appError(e);
      if (old) drop(slot, old);
      slot.run = undefined;
      failed.add(slot);
      return;
    }
    valueNew(arrays, table, kernel, ctx);
    // References are dropped after the new run took its own, so shared instruments never go unheld.
    if (old) drop(slot, old);
    slot.run = run;
    failed.delete(slot);
    index(slot, run);
    for (let j = run.segLo; j < run.segHi; j++) aggregateSegment(kernel, table, arrays, store, j);
    total(slot, run);
  }

  /**
   * Re-aggregates the account's segments on `underlyings` (all when undefined). A non-finite result
   * may come from market data that went missing under the run (NaN risk arrays): the rebuild then
   * names it, or confirms the overflow.
   */
  function reaggregate(slot: Slot, underlyings: Uint8Array | undefined): void {
    const run = slot.run!;
    for (let j = run.segLo; j < run.segHi; j++) {
      if (underlyings === undefined || underlyings[store.segU[j]!] === 1)
        aggregateSegment(kernel, table, arrays, store, j);
    }
    if (!total(slot, run)) rebuild(slot);
  }

  function revalueAll(): void {
    for (let u = 0; u < table.underlyings.length; u++) revalueUnderlying(arrays, table, kernel, ctx, u);
  }

  function upsertAccount(id: string, account: Account): BookEntry {
    let slot = slots.get(id);
    if (!slot) {
      slot = { id, account, run: undefined, totals: new HeldTotals(), error: undefined, seen: 0 };
      slots.set(id, slot);
    }
    slot.account = account;
    rebuild(slot);
    table.sweep();
    compact();
    return entryOf(slot);
  }

  function removeAccount(id: string): boolean {
    const slot = slots.get(id);
    if (!slot) return false;
    if (slot.run) drop(slot, slot.run);
    failed.delete(slot);
    slots.delete(id);
    table.sweep();
    compact();
    return true;
  }

  /** Everything revalued and every account rebuilt: parameters shape the risk arrays and the runs. */
  function reset(next: BookMarket, nextCtx: ModelContext): readonly string[] {
    market = next;
    ctx = nextCtx;
    kernel = kernelParams(ctx);
    arrays = createRiskArrays(kernel.n);
    revalueAll();
    for (const slot of slots.values()) rebuild(slot);
    compact();
    return [...slots.keys()];
  }

  function updateParams(params: BookMarket['params']): readonly string[] {
    const next = { ...market, params };
    return reset(next, createModelContext(next));
  }

  /**
   * Under pmrm-2 collateral is valued in stable units at its own price, else at its market's spot, and
   * its confidence charge reads the spot confidences: accounts holding collateral whose value or
   * confidence the change moves are rebuilt (their collateral terms change, not only their segments).
   */
  function pmrm2CollateralRebuilds(change: MarketChange, rebuilds: Set<Slot>): void {
    const previous = change.previousMinSpotConfidence;
    const all =
      change.everything || (isPmrm2(ctx) && previous !== undefined && previous !== ctx.minSpotConfidence);
    for (const [asset, set] of holders) {
      const u = ctx.params.assets[asset]?.underlying;
      if (all || (u !== undefined && change.spotMoved.includes(u))) for (const s of set) rebuilds.add(s);
    }
  }

  function updateMarket(patch: Partial<BookMarket>): readonly string[] {
    const change = applyMarketPatch(market, ctx, patch);
    if (change.params) return reset(change.market, change.ctx);
    market = change.market;
    ctx = change.ctx;
    kernel = kernelParams(ctx);
    const touched = new Set<number>();
    if (change.everything) revalueAll();
    else {
      for (const name of change.underlyings) {
        const u = table.underlyingIndex(name);
        touched.add(u);
        revalueUnderlying(arrays, table, kernel, ctx, u);
      }
    }
    // Accounts whose run itself may change: those that could not be built, those holding collateral
    // whose price moved or that a new market makes risk-cancelling, and those whose balances go stale
    // with asOf.
    const rebuilds = new Set<Slot>(failed);
    for (const asset of change.prices) for (const s of holders.get(asset) ?? []) rebuilds.add(s);
    if (change.newUnderlyings.length > 0) {
      for (const [asset, set] of holders) {
        const u = ctx.params.assets[asset]?.underlying;
        if (u !== undefined && change.newUnderlyings.includes(u)) for (const s of set) rebuilds.add(s);
      }
    }
    if (change.asOf && ctx.params.collateralMaxAgeSeconds !== null) {
      for (const s of timestamped) rebuilds.add(s);
    }
    if (isPmrm2(ctx)) pmrm2CollateralRebuilds(change, rebuilds);
    const ids: string[] = [];
    for (const slot of rebuilds) {
      rebuild(slot);
      ids.push(slot.id);
    }
    const only = change.everything ? undefined : touchedFlags(touched);
    const pass = ++epoch;
    const visit = (slot: Slot) => {
      if (!slot.run || slot.seen === pass || (rebuilds.size > 0 && rebuilds.has(slot))) return;
      slot.seen = pass;
      reaggregate(slot, only);
      ids.push(slot.id);
    };
    // A rebuild inside `reaggregate` re-indexes its account in `exposed`, which a live iteration of
    // that Set would visit again: those are iterated over a snapshot. `slots` does not change here.
    if (change.everything) for (const slot of slots.values()) visit(slot);
    else for (const u of touched) for (const slot of [...(exposed.get(u) ?? [])]) visit(slot);
    compact();
    return ids;
  }

  for (const [id, account] of accounts) upsertAccount(id, account);

  return {
    get accountCount() {
      return slots.size;
    },
    get instrumentCount() {
      return table.liveCount;
    },
    upsertAccount,
    removeAccount,
    updateMarket,
    updateParams,
    get: (id) => {
      const slot = slots.get(id);
      return slot && entryOf(slot);
    },
    ids: () => slots.keys(),
  };
}
