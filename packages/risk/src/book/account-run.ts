import { AppError, formatIssuePath } from '@xmargin/errors';
import {
  imHaircutExtra,
  mmHaircut,
  type ResolvedCollateral,
  resolveCollateral,
} from '../model/collateral.js';
import { volFor } from '../model/option-value.js';
import {
  collateralCharge,
  type Pmrm2ResolvedCollateral,
  resolvePmrm2Collateral,
} from '../pmrm2/pmrm2-collateral.js';
import type { Pmrm2Context, Pmrm2Expiry } from '../pmrm2/pmrm2-context.js';
import { checkPricable } from '../pmrm2/pmrm2-pricing.js';
import type { Account, MarginWarning, Position } from '../types.js';
import type { AccountTerms } from './aggregate.js';
import type { InstrumentTable } from './instrument-table.js';
import { isPmrm2, type ModelContext } from './model-context.js';
import { type RunStore, reserveLegs, reserveSegments } from './run-store.js';

/**
 * One account as the aggregation sees it: a range of legs of a {@link RunStore} (its positions as
 * (instrument, quantity, mark constant) legs sorted by underlying name, expiry, kind, strike and right,
 * repeated instruments merged), a range of segments (one per underlying it is exposed to: positions
 * or risk-cancelling collateral), and its collateral terms. The ranges move when a book compacts its
 * store.
 */
export interface AccountRun {
  legLo: number;
  legHi: number;
  segLo: number;
  segHi: number;
  readonly terms: AccountTerms;
  /** Collateral assets the account holds (their prices and asset parameters enter its terms). */
  readonly assets: readonly string[];
  /** Some balance carries `observedAt`: its staleness, hence the terms, depend on `asOf`. */
  readonly timestamped: boolean;
  /** Collateral warnings (stale, unsupported). */
  readonly warnings: readonly MarginWarning[];
}

/** Mark-to-market constant of a position: its mark is quantity x unit value + this. */
export function markConstant(
  p: Position,
  quantity = p.quantity,
  funding = p.type === 'perp' ? p.funding : undefined,
): number {
  if (p.type === 'option') return 0;
  return -quantity * p.entryPrice + (p.type === 'perp' ? (funding ?? 0) : 0);
}

/** Checks that the market data a position needs exists (the errors name the position). */
export function checkPosition(ctx: ModelContext, p: Position, index: number): void {
  const m = ctx.markets.get(p.underlying);
  if (!m)
    throw new AppError('RISK__MISSING_MARKET', { context: { underlying: p.underlying, position: index } });
  if (p.type === 'perp') {
    if (m.perpPrice === undefined) {
      throw new AppError('RISK__INVALID_INPUT', {
        context: {
          path: formatIssuePath(['markets', p.underlying, 'perp']),
          reason: `position ${index} is a perp but the market has no perp price`,
        },
      });
    }
    return;
  }
  const e = m.expiries.get(p.expiry);
  if (!e) {
    throw new AppError('RISK__MISSING_EXPIRY', {
      context: { underlying: m.name, expiry: p.expiry, position: index },
    });
  }
  if (p.type !== 'option') return;
  volFor(e, p.strike);
  if (isPmrm2(ctx))
    checkPricable(e as Pmrm2Expiry, p.strike, ctx.markets.get(p.underlying)!.params.scenarios);
}

/** Either model's resolved collateral of one account. */
export type AnyResolvedCollateral = ResolvedCollateral | Pmrm2ResolvedCollateral;

/**
 * The collateral terms of an account (cash, other collateral's value, haircuts), its risk-cancelling
 * base per underlying and its collateral warnings. `resolved`: its collateral already resolved against
 * `ctx`.
 */
export function collateralTerms(
  ctx: ModelContext,
  account: Account,
  resolved: AnyResolvedCollateral | undefined,
): { terms: AccountTerms; base: ReadonlyMap<string, number>; warnings: readonly MarginWarning[] } {
  if (isPmrm2(ctx)) return pmrm2CollateralTerms(ctx, account, resolved as Pmrm2ResolvedCollateral);
  const col =
    (resolved as ResolvedCollateral | undefined) ?? resolveCollateral(ctx, account.collateral ?? []);
  let otherValue = 0;
  let haircutMm = 0;
  let haircutIm = 0;
  for (const c of col.others) {
    otherValue += c.value;
    const h = mmHaircut(c.value, c.params);
    haircutMm += h;
    haircutIm += h + imHaircutExtra(c.value, c.params);
  }
  const terms: AccountTerms = { cash: account.cash ?? 0, otherValue, haircutMm, haircutIm };
  return { terms, base: col.base, warnings: col.warnings };
}

/**
 * pmrm-2 terms (section 9.4), in stable units: every collateral, risk-cancelling too, is charged its
 * haircuts and confidence add-on; risk-cancelling value is the base of its market.
 */
function pmrm2CollateralTerms(
  ctx: Pmrm2Context,
  account: Account,
  resolved: Pmrm2ResolvedCollateral | undefined,
) {
  const col = resolved ?? resolvePmrm2Collateral(ctx, account.collateral ?? []);
  let otherValue = 0;
  let haircutMm = 0;
  let haircutIm = 0;
  const base = new Map<string, number>();
  for (const c of col.assets) {
    const ch = collateralCharge(ctx, c);
    haircutMm += ch.mm;
    haircutIm += ch.im;
    if (c.underlying === undefined) otherValue += c.value;
    else base.set(c.underlying, (base.get(c.underlying) ?? 0) + c.value);
  }
  const terms: AccountTerms = { cash: account.cash ?? 0, otherValue, haircutMm, haircutIm };
  return { terms, base, warnings: col.warnings };
}

/**
 * One account's positions in input order as unsorted legs (instrument, quantity, mark constant): what
 * {@link appendRun} sorts, merges and segments. Grown by {@link positionLegs}.
 */
export interface PositionLegs {
  inst: Int32Array;
  qty: Float64Array;
  konst: Float64Array;
}

/** `legs` with room for `n` positions (the same object when it has). */
export function positionLegs(n: number, legs?: PositionLegs): PositionLegs {
  if (legs && legs.inst.length >= n) return legs;
  const size = Math.max(n, 2 * (legs?.inst.length ?? 0), 32);
  return { inst: new Int32Array(size), qty: new Float64Array(size), konst: new Float64Array(size) };
}

// Scratch of the builds (which never re-enter): the sort permutation, the positions of one account and
// the mark constant of each leg written.
let order = new Int32Array(64);
let scratch = positionLegs(64);
let legKonst = new Float64Array(64);

/**
 * Writes positions [0, count) of `legs` as a run's legs from leg `at` of `store` (room reserved by the
 * caller): sorted as `InstrumentTable.compare` (by `rank`), ties in input order so merged quantities add up in the
 * order the positions were given, repeated instruments merged. Returns the number of legs written.
 */
function writeLegs(
  table: InstrumentTable,
  legs: PositionLegs,
  count: number,
  store: RunStore,
  at: number,
): number {
  if (order.length < count) {
    order = new Int32Array(Math.max(count, 2 * order.length));
    legKonst = new Float64Array(order.length);
  }
  const ids = legs.inst;
  const rank = table.rank;
  for (let i = 0; i < count; i++) order[i] = i;
  if (count <= 32) {
    // Insertion sort: runs are short, and a builtin sort calling a comparator costs more.
    for (let i = 1; i < count; i++) {
      const x = order[i]!;
      const key = rank[ids[x]!]!;
      let j = i - 1;
      while (j >= 0 && rank[ids[order[j]!]!]! > key) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = x;
    }
  } else {
    const sorted = Array.from(order.subarray(0, count)).sort(
      (x, y) => rank[ids[x]!]! - rank[ids[y]!]! || x - y,
    );
    order.set(sorted);
  }
  const { inst, qty } = store;
  let w = at;
  for (let r = 0; r < count; r++) {
    const i = order[r]!;
    const id = ids[i]!;
    if (w > at && inst[w - 1] === id) {
      qty[w - 1]! += legs.qty[i]!;
      legKonst[w - 1 - at]! += legs.konst[i]!;
      continue;
    }
    inst[w] = id;
    qty[w] = legs.qty[i]!;
    legKonst[w - at] = legs.konst[i]!;
    w++;
  }
  return w - at;
}

/** The mark constant of legs [lo, hi) of the run written from leg `at`, summed leg by leg. */
function konstOf(at: number, lo: number, hi: number): number {
  let k = 0;
  for (let i = lo; i < hi; i++) k += legKonst[i - at]!;
  return k;
}

/**
 * Appends a run to `store`: positions [0, count) of `legs` sorted and merged (as `writeLegs`), then one
 * segment per underlying of the legs or of `base` (risk-cancelling collateral per underlying name), in
 * underlying name order. Takes no instrument reference.
 */
export function appendRun(
  table: InstrumentTable,
  store: RunStore,
  legs: PositionLegs,
  count: number,
  base: ReadonlyMap<string, number>,
): void {
  reserveLegs(store, count);
  const lo = store.legCount;
  const hi = lo + writeLegs(table, legs, count, store, lo);
  store.legCount = hi;
  let underlyings = 0;
  for (let i = lo; i < hi; i++)
    if (i === lo || table.underlying[store.inst[i]!] !== table.underlying[store.inst[i - 1]!]) underlyings++;
  reserveSegments(store, underlyings + base.size);
  const { inst, segU, segLo, segHi, segBase, segKonst } = store;
  const first = store.segCount;
  let g = first;
  for (let i = lo; i < hi; ) {
    const u = table.underlying[inst[i]!]!;
    let j = i + 1;
    while (j < hi && table.underlying[inst[j]!] === u) j++;
    segU[g] = u;
    segLo[g] = i;
    segHi[g] = j;
    segBase[g] = base.size === 0 ? 0 : (base.get(table.underlyings[u]!) ?? 0);
    segKonst[g] = konstOf(lo, i, j);
    g++;
    i = j;
  }
  // An underlying held only as risk-cancelling collateral: a segment without legs, in name order.
  // (forEach: a for-of over a Map allocates an entry per item.)
  if (base.size > 0)
    base.forEach((b, name) => {
      const u = table.underlyingIndex(name);
      let at = first;
      while (at < g && segU[at] !== u) at++;
      if (at < g) return;
      const rank = table.underlyingRank[u]!;
      at = g;
      while (at > first && table.underlyingRank[segU[at - 1]!]! > rank) {
        segU[at] = segU[at - 1]!;
        segLo[at] = segLo[at - 1]!;
        segHi[at] = segHi[at - 1]!;
        segBase[at] = segBase[at - 1]!;
        segKonst[at] = segKonst[at - 1]!;
        at--;
      }
      segU[at] = u;
      segLo[at] = hi;
      segHi[at] = hi;
      segBase[at] = b;
      segKonst[at] = 0;
      g++;
    });
  store.segCount = g;
}

/**
 * Rewrites, in place, a run of `store` whose positions keep their instruments and get new quantities
 * (a slice of every holding sold): legs [legLo, legHi) from positions [0, count) of `legs`, the
 * instruments the run was built from, sorted and merged as `appendRun` does (so the result is the
 * bits a fresh build gives), and the bases of segments [segLo, segHi) from `base`. Returns false,
 * leaving the store as it was, when `base` names an underlying the run has no segment for.
 */
export function rewriteRun(
  table: InstrumentTable,
  store: RunStore,
  legLo: number,
  legHi: number,
  segLo: number,
  segHi: number,
  legs: PositionLegs,
  count: number,
  base: ReadonlyMap<string, number>,
): boolean {
  let covered = 0;
  for (let j = segLo; j < segHi; j++) if (base.has(table.underlyings[store.segU[j]!]!)) covered++;
  if (covered !== base.size) return false;
  if (writeLegs(table, legs, count, store, legLo) !== legHi - legLo) {
    throw new Error('rewriteRun: positions of other instruments than the run was built from');
  }
  for (let j = segLo; j < segHi; j++) {
    store.segBase[j] = base.get(table.underlyings[store.segU[j]!]!) ?? 0;
    store.segKonst[j] = konstOf(legLo, store.segLo[j]!, store.segHi[j]!);
  }
  return true;
}

/**
 * Builds an account's run over `table` into `store` (taking a reference on each instrument it holds)
 * and returns it; `positionInstrument`, when given, receives the instrument of each position in input
 * order. Throws the AppError of the first position whose market data is missing, in input order,
 * after collateral errors; takes no reference and appends nothing then. `collateral`, when given, is
 * the account's collateral already resolved against `ctx`.
 */
export function buildAccountRun(
  ctx: ModelContext,
  table: InstrumentTable,
  store: RunStore,
  account: Account,
  collateral?: AnyResolvedCollateral,
  positionInstrument?: number[],
): AccountRun {
  const { terms, base, warnings } = collateralTerms(ctx, account, collateral);
  const positions = account.positions ?? [];
  const m = positions.length;
  for (let i = 0; i < m; i++) checkPosition(ctx, positions[i]!, i);
  scratch = positionLegs(m, scratch);
  const legs = scratch;
  for (let i = 0; i < m; i++) {
    const p = positions[i]!;
    const id = table.find(p);
    legs.inst[i] = id;
    legs.qty[i] = p.quantity;
    legs.konst[i] = markConstant(p);
    positionInstrument?.push(id);
  }
  const legLo = store.legCount;
  const segLo = store.segCount;
  appendRun(table, store, legs, m, base);
  // One reference per leg (merged positions share theirs).
  for (let i = legLo; i < store.legCount; i++) table.retain(store.inst[i]!);
  const assets: string[] = [];
  let timestamped = false;
  for (const c of account.collateral ?? []) {
    if (!assets.includes(c.asset)) assets.push(c.asset);
    if (c.observedAt !== undefined) timestamped = true;
  }
  return { legLo, legHi: store.legCount, segLo, segHi: store.segCount, terms, assets, timestamped, warnings };
}

/** Drops the run's references on its instruments. */
export function releaseAccountRun(table: InstrumentTable, store: RunStore, run: AccountRun): void {
  for (let i = run.legLo; i < run.legHi; i++) table.release(store.inst[i]!);
}
