import {
  type AnyResolvedCollateral,
  appendRun,
  checkPosition,
  collateralTerms,
  markConstant,
  type PositionLegs,
  positionLegs,
  rewriteRun,
} from '../book/account-run.js';
import {
  type AccountTotals,
  accountTotals,
  aggregateAlone,
  aggregateSegment,
  kernelParams,
  markSegment,
  overflowError,
  type Requirement,
} from '../book/aggregate.js';
import {
  createInstrumentTable,
  FUTURE as FUTURE_KIND,
  OPTION,
  PERP as PERP_KIND,
} from '../book/instrument-table.js';
import { isPmrm2, type ModelContext } from '../book/model-context.js';
import { createRiskArrays, revalueUnderlying, valueNew } from '../book/risk-arrays.js';
import { createRunStore, reserveLegs, reserveSegments } from '../book/run-store.js';
import { type BaseCollateral, mmHaircut, resolveCollateral } from '../model/collateral.js';
import { shortOptionAddOn } from '../model/modes.js';
import { resolvePmrm2Collateral } from '../pmrm2/pmrm2-collateral.js';
import type { PriceState, UnitEvaluator } from './evaluator.js';
import {
  appendHoldingFigures,
  collateralHoldings,
  collateralSource,
  type HoldingFigures,
  holdingValue,
  optionFigures,
} from './holding-figures.js';
import type { StressSetup } from './simulate-mode.js';
import type { StressAccount, StressCollateral, StressMode, StressPosition } from './types.js';
import type { StressUnit } from './units.js';

/**
 * The fast margin of one stress run: one set of risk arrays for every mode, an evaluator per mode. The
 * modes run one after the other: an evaluator is used until the next one is made, which reuses its
 * memory.
 */
export interface StressMargin {
  evaluator(mode: StressMode, unitCount: number): UnitEvaluator;
}

const NONE: readonly BaseCollateral[] = [];

/** A list in use up to `n` (its items past `n` are stale). */
interface Scratch {
  readonly items: number[];
  n: number;
}
const NO_BASE: ReadonlyMap<string, number> = new Map();
const NO_POSITIONS: readonly StressPosition[] = [];

/**
 * Relative excess below which the isolated requirement is recomputed leg by leg. The per-unit
 * requirements round differently from the leg-by-leg sum (a few ulps of M): harmless where M only
 * decides "not liquidatable" with room to spare, but a liquidated unit's M sets its fraction, and a
 * last-bit difference there grows over a cascade of ever smaller slices.
 */
const NEAR = 1e-5;

/**
 * Bound on the relative rounding of a sum of n terms, per term (4 * 2^-53: the sum in position order
 * and `computeMargin`'s in leg order each round by at most about n * 2^-53 of the sum of |terms|).
 */
const ROUNDING = 2 ** -51;

// The flat state of a run (per position, per run, per unit: tens of megabytes for a large book) is held
// in JS arrays of small integers or of doubles, not in typed arrays: V8 counts ArrayBuffer memory
// against a soft limit of 64 MB above what it held at the last full garbage collection, and crossing it
// starts a full collection of the whole heap (a second or more in a process that also holds a large book
// or document: two of them in one 100,000-account isolated run). Arrays in the heap count against the
// heap's own limit, which grows with the heap. Made with their elements kind from the start (doubles
// for fractional figures), so no write converts them.

/** `n` small integers, each `fill`. */
function ints(n: number, fill = 0): number[] {
  return new Array<number>(n).fill(fill);
}

/** `n` doubles, each 0. */
function doubles(n: number): number[] {
  return new Array<number>(n).fill(0.5).fill(0);
}

function grownInt(a: number[], size: number, fill = 0): number[] {
  if (size <= a.length) return a;
  const next = ints(Math.max(size, 2 * a.length, 64), fill);
  for (let i = 0; i < a.length; i++) next[i] = a[i]!;
  return next;
}

function grownFloat(a: number[], size: number): number[] {
  if (size <= a.length) return a;
  const next = doubles(Math.max(size, 2 * a.length, 64));
  for (let i = 0; i < a.length; i++) next[i] = a[i]!;
  return next;
}

/**
 * Section 8: the units of a mode margined over the risk book's shared per-instrument scenario arrays
 * (instrument table, risk arrays, run store and the one aggregation kernel of `book/`), under the
 * model the parameters select. A new price state revalues only the instruments of underlyings whose
 * spot moved and re-margins only the units exposed to a moved asset. Unit state lives in flat arrays
 * indexed by run or by unit, and a position's instrument is found (its market data checked) once per
 * stress run, whichever mode meets it first.
 *
 * `portfolio` units are runs of legs margined by the kernel, as `computeMargin` margins them. After
 * a move, a unit whose excess the move provably cannot take below 0 (a bound per unit of each holding,
 * `reachOf`, summed against the unit's excess less the bounds of earlier such moves, `unmoved`) keeps
 * its figures: every unit is exposed to both assets of a typical book, and re-aggregating each of
 * them every round cost a full refresh a round.
 * `cross` and `isolated` read each position once per evaluation (their requirements go position by
 * position) and need of the kernel only the marks: their runs are the positions as given, with no
 * legs to sort or merge. Their equity is summed position by position (off `computeMargin`'s leg-order
 * sum by a few ulps of the sum of |terms|), the isolated requirement as |q| times each instrument's
 * requirement per unit for its sign (exact in real arithmetic); a unit whose excess is within those
 * bounds of 0 (every liquidatable unit among them) is margined again as `computeMargin` does (legs
 * built, marks in leg order, each position alone through the kernel), so every decision and every
 * reported figure is `computeMargin`'s to the last bit (a cascade of ever smaller slices would grow a
 * last-bit difference). A unit that sold a slice keeps its run: the quantities are rewritten in place.
 */
export function createStressMargin(setup: StressSetup, accounts: readonly StressAccount[]): StressMargin {
  const { universe } = setup;
  const initial = setup.stateAt(setup.initial);
  const kernel = kernelParams(initial.ctx);
  const pmrm2 = isPmrm2(initial.ctx);
  const table = createInstrumentTable();
  const arrays = createRiskArrays(kernel.n);
  /** Legs and segments of the portfolio runs. */
  const store = createRunStore();
  /** One run at a time, built to margin a unit exactly. */
  const exact = createRunStore(64, 8);
  /** The state the risk arrays hold. */
  let current: PriceState = initial;
  const cross = initial.ctx.params.cross;
  const divisor = kernel.termsDivisor;
  const nAssets = universe.names.length;
  const totals: AccountTotals = {
    equity: 0,
    initialRequirement: 0,
    maintenanceRequirement: 0,
    markToMarket: 0,
  };
  const terms = { cash: 0, otherValue: 0, haircutMm: 0, haircutIm: 0 };
  const one: Requirement = { im: 0, mm: 0 };
  /** Per universe asset: its price moved in the last `moveTo`. */
  const moved = new Uint8Array(nAssets);
  /** Per collateral asset: the universe index its terms depend on (-1: none). */
  const termsSource = new Map<string, number>();

  /** Per account: where its positions start in `instrumentOf`. */
  const positionBase = ints(accounts.length + 1);
  accounts.forEach((a, i) => {
    positionBase[i + 1] = positionBase[i]! + (a.positions?.length ?? 0);
  });
  /** Positions in the document: a mode's units hold each once. */
  const positionCount = positionBase[accounts.length]!;
  /** Per account position, its instrument (-1: not found yet), when more than one mode will need it. */
  const instrumentOf = setup.modes.length > 1 ? ints(positionCount, -1) : undefined;
  /** Per instrument: a position of it passed `checkPosition` against `checkedAt`. */
  let checked: Uint8Array = new Uint8Array(0);
  let checkedAt: ModelContext | undefined;

  // Runs, by run index. Portfolio runs: legs and segments in `store`. Cross and isolated runs: positions
  // in input order (`posInst`/`posQty`), the sum of their mark constants (and of its terms' sizes), and
  // the risk-cancelling base per underlying (`baseU`/`baseAmount`). Both: collateral terms, interned
  // lists of universe indexes (exposure: a move re-margins the unit; watch: a move rewrites its terms),
  // PMRM v1 risk-cancelling collateral (the cross mode charges its haircut at spot).
  let runCount = 0;
  /** Legs (portfolio) or positions (cross, isolated) [runLo, runHi) of the run. */
  let runLo: number[] = [];
  let runHi: number[] = [];
  /** Segments (portfolio) or bases (cross, isolated) [runSubLo, runSubHi) of the run. */
  let runSubLo: number[] = [];
  let runSubHi: number[] = [];
  let runExposed: number[] = [];
  let runWatch: number[] = [];
  let runCash: number[] = doubles(0);
  let runOther: number[] = doubles(0);
  let runHaircutMm: number[] = doubles(0);
  let runHaircutIm: number[] = doubles(0);
  let runKonst: number[] = doubles(0);
  let runKonstSize: number[] = doubles(0);
  const runBase: (readonly BaseCollateral[])[] = [];
  let posCount = 0;
  let posInst: number[] = [];
  let posQty: number[] = doubles(0);
  /**
   * Isolated runs, per position: its place in its account's positions (the run's positions are read
   * off the account's list there, not found again by filtering it by chain).
   */
  let posAt: number[] = [];
  let baseCount = 0;
  let baseU: number[] = [];
  let baseAmount: number[] = doubles(0);
  // Isolated runs: per universe asset of the run's exposure list (slots [runSlot, runSlot + its
  // length)), the sum of |q| over its positions of that asset's instruments and of its base amounts of
  // that asset (Infinity where a base is negative: its requirement is not per unit of base).
  let runSlot: number[] = [];
  let slotCount = 0;
  let slotQ: number[] = doubles(0);
  let slotB: number[] = doubles(0);

  /** Equal lists of universe indexes, interned; per list, whether the last `moveTo` moved one. */
  const lists: (readonly number[])[] = [[]];
  const listIndex = new Map<number | string, number>();
  let listMoved: Uint8Array = new Uint8Array(1);
  /** Per table underlying: its universe index, and a counter bumped by each revaluation. */
  const universeOf: number[] = [];
  const revision: number[] = [];
  let legs: PositionLegs = positionLegs(64);
  /** The current mode margins runs of legs (portfolio), else runs of positions. */
  let byLegs = false;

  // Per unit of the current mode (sized for the largest mode; one mode at a time uses them): its run,
  // its figures, whether they are stale (never computed, or an underlying the unit holds moved), and
  // whether its holdings or cash were rewritten (its run is refreshed before its next evaluation).
  let runOf: number[] = [];
  let equity: number[] = doubles(0);
  let maintenance: number[] = doubles(0);
  let dirty: number[] = [];
  let stale: number[] = [];
  /**
   * The unit's excess less the bounds of the moves since it was margined (portfolio: `unmoved`; isolated,
   * less its rounding room too: `isolatedUnmoved`), and the move it follows.
   */
  let slack: number[] = doubles(0);
  let slackAt: number[] = [];
  /** The current mode is isolated. */
  let isolatedMode = false;

  /** Makes room for a mode of `unitCount` units; the runs of the mode before are dropped. */
  function startMode(mode: StressMode, unitCount: number): void {
    byLegs = mode === 'portfolio';
    isolatedMode = mode === 'isolated';
    slotCount = 0;
    runCount = 0;
    posCount = 0;
    baseCount = 0;
    store.legCount = 0;
    store.segCount = 0;
    if (runOf.length < unitCount) {
      runOf = ints(unitCount);
      equity = doubles(unitCount);
      maintenance = doubles(unitCount);
      dirty = ints(unitCount);
      stale = ints(unitCount);
      slack = doubles(unitCount);
      slackAt = ints(unitCount);
    }
    slackAt.fill(-2, 0, unitCount);
    runOf.fill(-1, 0, unitCount);
    dirty.fill(0, 0, unitCount);
    stale.fill(0, 0, unitCount);
    // Sized for the mode's runs at once, rather than grown (and copied) run by run: each unit holds
    // some of the document's positions, and mostly one or two underlyings.
    if (byLegs) {
      reserveLegs(store, positionCount + 1024);
      reserveSegments(store, 2 * unitCount + 1024);
    } else {
      posInst = grownInt(posInst, positionCount + 1024);
      posQty = grownFloat(posQty, positionCount + 1024);
      if (isolatedMode) posAt = grownInt(posAt, positionCount + 1024);
    }
    if (isolatedMode) {
      // A slot per asset of a unit's exposure: mostly one or two.
      slotQ = grownFloat(slotQ, 2 * unitCount + 1024);
      slotB = grownFloat(slotB, 2 * unitCount + 1024);
    }
    reserveRuns(unitCount + 64);
  }

  // Isolated mode: a lone position's requirement per unit of quantity, long and short, per instrument
  // (stamped with its underlying's revision), and each underlying's per unit of risk-cancelling base.
  // Loops read these arrays rather than call per position (a call returning a double allocates it).
  let loneLong: number[] = doubles(0);
  let loneShort: number[] = doubles(0);
  let loneStamp: number[] = [];
  const baseUnit: number[] = [];
  const baseStamp: number[] = [];

  /** The requirement of `q` of instrument `id` alone, or of `base` of underlying `u` alone, in `one`. */
  function alone(u: number, id: number, q: number, base: number): void {
    aggregateAlone(kernel, table, arrays, u, id, q, base, one);
  }

  /** Brings instrument `id`'s lone requirements per unit to its underlying's revision. */
  function stampLone(id: number): void {
    if (id >= loneStamp.length) {
      const size = Math.max(id + 1, 2 * loneStamp.length, 64);
      loneLong = grownFloat(loneLong, size);
      loneShort = grownFloat(loneShort, size);
      loneStamp = grownInt(loneStamp, size, -1);
    }
    const u = table.underlying[id]!;
    if (loneStamp[id] === revision[u]) return;
    alone(u, id, 1, 0);
    loneLong[id] = one.mm;
    alone(u, id, -1, 0);
    loneShort[id] = one.mm;
    loneStamp[id] = revision[u]!;
  }

  function stampBase(u: number): void {
    if (baseStamp[u] === revision[u]) return;
    alone(u, -1, 0, 1);
    baseUnit[u] = one.mm;
    baseStamp[u] = revision[u]!;
  }

  /** The universe index of a collateral asset's price that its terms are built on, or -1. */
  function termsSourceOf(ctx: ModelContext, asset: string): number {
    let i = termsSource.get(asset);
    if (i === undefined) {
      const source = collateralSource(ctx, asset);
      // PMRM v1 keeps risk-cancelling collateral as an amount: only other collateral's value moves.
      const fixed = source.price === undefined || (!pmrm2 && source.riskCancelling);
      i = fixed ? -1 : (universe.index.get(source.valuedAt) ?? -1);
      termsSource.set(asset, i);
    }
    return i;
  }

  function universeIndex(u: number): number {
    while (universeOf.length <= u) {
      const name = table.underlyings[universeOf.length]!;
      universeOf.push(universe.index.get(name) ?? -1);
      revision.push(0);
    }
    return universeOf[u]!;
  }

  /** Adds index `a` (none when < 0) to the sorted, distinct `list` (a few items: no sort call). */
  function addIndex(list: Scratch, a: number): void {
    if (a < 0) return;
    const items = list.items;
    let i = list.n;
    while (i > 0 && items[i - 1]! > a) i--;
    if (i > 0 && items[i - 1] === a) return;
    for (let j = list.n; j > i; j--) items[j] = items[j - 1]!;
    items[i] = a;
    list.n++;
  }

  // Scratch lists of a build, the first `n` items (interned copies are kept; the lists keep their
  // length: one set to 0 drops its storage, and a build per unit would allocate it again).
  const exposed: Scratch = { items: [], n: 0 };
  const watch: Scratch = { items: [], n: 0 };

  /** The interned list of the sorted, distinct indexes in `list` (a scratch list: copied when new). */
  function interned(list: Scratch): number {
    const n = list.n;
    const items = list.items;
    if (n === 0) return 0;
    // Sorted and distinct: below 53, a sum of powers of two names the set exactly (no string per unit).
    let bits = 0;
    for (let j = 0; j < n; j++) bits += 2 ** items[j]!;
    const key = items[n - 1]! < 53 ? bits : items.slice(0, n).join(',');
    let i = listIndex.get(key);
    if (i === undefined) {
      i = lists.length;
      lists.push(items.slice(0, n));
      listIndex.set(key, i);
      const next = new Uint8Array(lists.length);
      next.set(listMoved.subarray(0, i));
      listMoved = next;
    }
    return i;
  }

  function reserveRuns(n: number): void {
    const size = runCount + n;
    if (size > runLo.length) {
      runLo = grownInt(runLo, size);
      runHi = grownInt(runHi, size);
      runSubLo = grownInt(runSubLo, size);
      runSubHi = grownInt(runSubHi, size);
      runExposed = grownInt(runExposed, size);
      runWatch = grownInt(runWatch, size);
      runCash = grownFloat(runCash, size);
      runOther = grownFloat(runOther, size);
      runHaircutMm = grownFloat(runHaircutMm, size);
      runHaircutIm = grownFloat(runHaircutIm, size);
      runKonst = grownFloat(runKonst, size);
      runKonstSize = grownFloat(runKonstSize, size);
      runSlot = grownInt(runSlot, size);
    }
  }

  /**
   * The unit's collateral terms at the current state (`held`: its collateral), into run `r`; returns
   * the base per underlying.
   */
  function writeTerms(
    u: StressUnit,
    held: readonly StressCollateral[],
    r: number,
  ): ReadonlyMap<string, number> {
    const ctx = current.ctx;
    if (held.length === 0) {
      // What `collateralTerms` makes of no collateral under either model (no objects per unit).
      runCash[r] = u.cash;
      runOther[r] = 0;
      runHaircutMm[r] = 0;
      runHaircutIm[r] = 0;
      runBase[r] = NONE;
      return NO_BASE;
    }
    const col: AnyResolvedCollateral = isPmrm2(ctx)
      ? resolvePmrm2Collateral(ctx, held)
      : resolveCollateral(ctx, held);
    const t = collateralTerms(ctx, { cash: u.cash }, col);
    runCash[r] = t.terms.cash;
    runOther[r] = t.terms.otherValue;
    runHaircutMm[r] = t.terms.haircutMm;
    runHaircutIm[r] = t.terms.haircutIm;
    runBase[r] = 'baseAssets' in col && col.baseAssets.length > 0 ? col.baseAssets : NONE;
    return t.base;
  }

  /** Leg `i`: instrument `id`, the unit's quantity and funding of its position `k`, `p`. */
  function setLeg(i: number, id: number, u: StressUnit, k: number, p: StressPosition): void {
    const q = u.quantity(k, p);
    legs.inst[i] = id;
    legs.qty[i] = q;
    legs.konst[i] = markConstant(p, q, u.funding(k, p));
  }

  /**
   * The unit's positions as unsorted legs, in its order. Its i-th position is its account's i-th on
   * its chain (all of them without one): the instrument is the one found for that account position
   * (checked against the current market data the first time, as `computeMargin` checks the unit's
   * document), the quantity and mark constant the unit's own (scaled after a slice).
   * `from`: a run of positions of the unit, whose instruments are taken.
   */
  function positionsOf(u: StressUnit, from = -1): number {
    if (from >= 0) {
      // Run `from`'s positions: the instruments as found, the quantities the unit's now (its positions
      // read off the account's list, as below: `u.positions` makes a list per call for an isolated unit).
      const all = u.account.positions ?? [];
      const chain = u.chain;
      const at = runLo[from]!;
      const m = u.positionCount;
      legs = positionLegs(m, legs);
      for (let i = 0, j = 0; i < m; j++) {
        const p = all[j]!;
        if (chain !== undefined && p.chain !== chain) continue;
        setLeg(i, posInst[at + i]!, u, i, p);
        i++;
      }
      return m;
    }
    const all = u.account.positions ?? NO_POSITIONS;
    const count = u.positionCount;
    const chain = u.chain;
    const base = positionBase[u.accountIndex]!;
    legs = positionLegs(count, legs);
    let i = 0;
    for (let j = 0; j < all.length && i < count; j++) {
      const p = all[j]!;
      if (chain !== undefined && p.chain !== chain) continue;
      let id = instrumentOf ? instrumentOf[base + j]! : -1;
      if (id < 0) id = findInstrument(p, base + j, i);
      setLeg(i, id, u, i, p);
      i++;
    }
    return i;
  }

  /**
   * The instrument of account position `p` (`at`: its place in `instrumentOf`), the unit's i-th, found
   * the first time a mode meets it (once per stress run).
   */
  function findInstrument(p: StressPosition, at: number, i: number): number {
    const id = table.find(p);
    if (instrumentOf) instrumentOf[at] = id;
    // Checked once per instrument and market data (every first build is at P0): a position of an
    // instrument that passed needs the same data, and a failed check ends the run.
    if (checkedAt !== current.ctx) {
      checked.fill(0);
      checkedAt = current.ctx;
    }
    if (id >= checked.length) {
      const next = new Uint8Array(Math.max(id + 1, 2 * checked.length, 64));
      next.set(checked);
      checked = next;
    }
    if (checked[id] !== 1) {
      checkPosition(current.ctx, p, i);
      checked[id] = 1;
    }
    return id;
  }

  /** Room for `m` more positions at the end of the position lists; returns where they start. */
  function reservePositions(m: number): number {
    posInst = grownInt(posInst, posCount + m);
    posQty = grownFloat(posQty, posCount + m);
    const at = posCount;
    posCount += m;
    return at;
  }

  /**
   * Positions [0, m) of `legs` as run `r`'s positions (at its own place when `lo` >= 0): instruments,
   * quantities and the sum of their mark constants in input order.
   */
  function writePositions(r: number, m: number, lo: number): void {
    const at = lo >= 0 ? lo : reservePositions(m);
    runLo[r] = at;
    runHi[r] = at + m;
    let k = 0;
    let size = 0;
    for (let i = 0; i < m; i++) {
      posInst[at + i] = legs.inst[i]!;
      posQty[at + i] = legs.qty[i]!;
      k += legs.konst[i]!;
      size += Math.abs(legs.konst[i]!);
    }
    runKonst[r] = k;
    runKonstSize[r] = size;
  }

  /**
   * The risk-cancelling base per underlying as run `r`'s, in underlying name order as a run's segments
   * are (at its own place when it has as many).
   */
  function writeBase(r: number, base: ReadonlyMap<string, number>): void {
    let at = runSubLo[r]!;
    if (base.size !== runSubHi[r]! - at) {
      at = baseCount;
      baseU = grownInt(baseU, baseCount + base.size);
      baseAmount = grownFloat(baseAmount, baseCount + base.size);
      baseCount += base.size;
    }
    runSubLo[r] = at;
    runSubHi[r] = at + base.size;
    if (base.size === 0) return;
    let w = at;
    base.forEach((b, name) => {
      const u = table.underlyingIndex(name);
      const rank = table.underlyingRank[u]!;
      let i = w++;
      for (; i > at && table.underlyingRank[baseU[i - 1]!]! > rank; i--) {
        baseU[i] = baseU[i - 1]!;
        baseAmount[i] = baseAmount[i - 1]!;
      }
      baseU[i] = u;
      baseAmount[i] = b;
    });
  }

  /**
   * Isolated run `r`'s sums of |q| and of base per asset of its exposure list (a holding of an asset
   * outside the universe never moves; one of an asset outside the list, or a negative base, makes the
   * bound Infinity: the unit is margined after every move).
   */
  function writeSlots(r: number): void {
    const list = lists[runExposed[r]!]!;
    const at = runSlot[r]!;
    const n = list.length;
    let unbounded = false;
    for (let j = 0; j < n; j++) {
      slotQ[at + j] = 0;
      slotB[at + j] = 0;
    }
    for (let i = runLo[r]!; i < runHi[r]!; i++) {
      const a = universeIndex(table.underlying[posInst[i]!]!);
      if (a < 0) continue;
      let j = 0;
      while (j < n && list[j] !== a) j++;
      if (j === n) unbounded = true;
      else slotQ[at + j]! += Math.abs(posQty[i]!);
    }
    for (let i = runSubLo[r]!; i < runSubHi[r]!; i++) {
      const a = universeIndex(baseU[i]!);
      if (a < 0) continue;
      let j = 0;
      while (j < n && list[j] !== a) j++;
      const b = baseAmount[i]!;
      if (j === n || b < 0) unbounded = true;
      else slotB[at + j]! += b;
    }
    if (unbounded && n > 0) slotQ[at] = Number.POSITIVE_INFINITY;
  }

  /** A new run for the unit at the current state. */
  function build(u: StressUnit): number {
    const ctx = current.ctx;
    reserveRuns(1);
    const r = runCount++;
    // No bases yet (a count of -1 matches no map).
    runSubLo[r] = 0;
    runSubHi[r] = -1;
    const held = u.heldCollateral;
    const base = writeTerms(u, held, r);
    const m = positionsOf(u);
    exposed.n = 0;
    if (byLegs) {
      const legLo = store.legCount;
      const segLo = store.segCount;
      appendRun(table, store, legs, m, base);
      runLo[r] = legLo;
      runHi[r] = store.legCount;
      runSubLo[r] = segLo;
      runSubHi[r] = store.segCount;
      for (let j = segLo; j < store.segCount; j++) addIndex(exposed, universeIndex(store.segU[j]!));
    } else {
      writePositions(r, m, -1);
      writeBase(r, base);
      for (let i = 0; i < m; i++) addIndex(exposed, universeIndex(table.underlying[legs.inst[i]!]!));
      for (let i = runSubLo[r]!; i < runSubHi[r]!; i++) addIndex(exposed, universeIndex(baseU[i]!));
    }
    // Instruments stay held for the whole run: their risk arrays follow every price move.
    for (let i = 0; i < m; i++) table.retain(legs.inst[i]!);
    valueNew(arrays, table, kernel, ctx);
    finishRun(r, held, isolatedMode);
    return r;
  }

  /**
   * The end of a run's build: the prices its collateral terms watch and the assets it is exposed to
   * (`exposed`, filled by the caller), interned; under isolated, its exposure slots.
   */
  function finishRun(r: number, held: readonly StressCollateral[], slots: boolean): void {
    watch.n = 0;
    for (const c of held) addIndex(watch, termsSourceOf(current.ctx, c.asset));
    runExposed[r] = interned(exposed);
    runWatch[r] = interned(watch);
    if (!slots) return;
    runSlot[r] = slotCount;
    slotCount += exposed.n;
    slotQ = grownFloat(slotQ, slotCount);
    slotB = grownFloat(slotB, slotCount);
    writeSlots(r);
  }

  // Scratch of `buildAccount` (one account at a time; kept at their length): the account's positions
  // grouped by unit (each unit's in account order), and per unit of the batch where its group fills.
  const grouped: number[] = [];
  const groupAt: number[] = [];

  /**
   * Isolated mode: new runs for `units[from]` and the units after it of the same account not built
   * yet (an account's units are consecutive), at the current state; returns `units[from]`'s run, the
   * others' set in `runOf` and marked dirty. The account's positions are grouped by chain in one pass
   * (rather than each unit filtering the account's list), then each unit is built as `build` builds
   * it, unit after unit in the same order (the same instruments found, checks made and errors thrown
   * in the same order), its positions written straight into the run (no legs).
   */
  function buildAccount(units: readonly StressUnit[], from: number): number {
    const account = units[from]!.account;
    let to = from + 1;
    while (to < units.length && units[to]!.account === account && runOf[units[to]!.index]! < 0) to++;
    const all = account.positions ?? NO_POSITIONS;
    let filled = 0;
    for (let b = from; b < to; b++) {
      groupAt[b - from] = filled;
      filled += units[b]!.positionCount;
    }
    for (let j = 0; j < all.length; j++) {
      const chain = all[j]!.chain;
      let b = from;
      while (b < to && units[b]!.chain !== chain) b++;
      if (b < to) grouped[groupAt[b - from]!++] = j;
    }
    // Each unit's group holds exactly its positions: units are built before any slice, and hold every
    // position of their chain.
    let lo = 0;
    for (let b = from; b < to; b++) {
      lo += units[b]!.positionCount;
      if (groupAt[b - from] !== lo) throw new Error('buildAccount: a unit built after a slice');
    }
    lo = 0;
    for (let b = from; b < to; b++) {
      const u = units[b]!;
      const r = buildGrouped(u, lo);
      lo += u.positionCount;
      runOf[u.index] = r;
      dirty[u.index] = 1;
    }
    // The instruments the account's runs hold valued once for all of them (before any is margined).
    valueNew(arrays, table, kernel, current.ctx);
    return runOf[units[from]!.index]!;
  }

  /**
   * As `build` for an isolated unit whose positions are the account's `grouped[lo..)`, but its new
   * instruments not valued (`buildAccount` values them).
   */
  function buildGrouped(u: StressUnit, lo: number): number {
    reserveRuns(1);
    const r = runCount++;
    runSubLo[r] = 0;
    runSubHi[r] = -1;
    const held = u.heldCollateral;
    const base = writeTerms(u, held, r);
    const all = u.account.positions ?? NO_POSITIONS;
    const accountAt = positionBase[u.accountIndex]!;
    const m = u.positionCount;
    posAt = grownInt(posAt, posCount + m);
    const at = reservePositions(m);
    runLo[r] = at;
    runHi[r] = at + m;
    // As `writePositions`: the mark constants summed in input order.
    let konst = 0;
    let size = 0;
    for (let i = 0; i < m; i++) {
      const j = grouped[lo + i]!;
      const p = all[j]!;
      let id = instrumentOf ? instrumentOf[accountAt + j]! : -1;
      if (id < 0) id = findInstrument(p, accountAt + j, i);
      const q = u.quantity(i, p);
      const c = markConstant(p, q, u.funding(i, p));
      posInst[at + i] = id;
      posQty[at + i] = q;
      posAt[at + i] = j;
      konst += c;
      size += Math.abs(c);
    }
    runKonst[r] = konst;
    runKonstSize[r] = size;
    writeBase(r, base);
    exposed.n = 0;
    for (let i = at; i < at + m; i++) addIndex(exposed, universeIndex(table.underlying[posInst[i]!]!));
    for (let i = runSubLo[r]!; i < runSubHi[r]!; i++) addIndex(exposed, universeIndex(baseU[i]!));
    for (let i = at; i < at + m; i++) table.retain(posInst[i]!);
    finishRun(r, held, true);
    return r;
  }

  /**
   * Run `r` brought to the unit's holdings and cash after a settlement, or to a move of the prices its
   * collateral terms are built on: rewritten in place (same instruments, new quantities and terms).
   */
  function refresh(u: StressUnit, r: number): void {
    const base = writeTerms(u, u.heldCollateral, r);
    if (!byLegs) {
      writePositions(r, positionsOf(u, r), runLo[r]!);
      writeBase(r, base);
      if (isolatedMode) writeSlots(r);
      return;
    }
    const m = positionsOf(u);
    if (rewriteRun(table, store, runLo[r]!, runHi[r]!, runSubLo[r]!, runSubHi[r]!, legs, m, base)) return;
    // A base of another underlying than the run has: a new run in the same place of the unit.
    const at = store.legCount;
    const first = store.segCount;
    appendRun(table, store, legs, m, base);
    runLo[r] = at;
    runHi[r] = store.legCount;
    runSubLo[r] = first;
    runSubHi[r] = store.segCount;
  }

  // Portfolio mode: what a price move can do to a unit's excess (E - M), per unit of each holding
  // (see `reachOf`), and the size of the terms its figures sum (their rounding), per instrument and per
  // underlying's base; `moves` counts the moves of the risk arrays.
  let reach: number[] = doubles(0);
  let size: number[] = doubles(0);
  const baseReach: number[] = [];
  const baseSize: number[] = [];
  /** The risk array rows, marks, spots, base moves and expiry constants before the move. */
  let before: number[] = doubles(0);
  const spotBefore: number[] = [];
  const moveBefore: number[][] = [];
  const groupBefore: number[] = [];
  let moves = 0;

  /** Moves the risk arrays to `state`: revalues the underlyings whose spot changed. */
  function moveTo(state: PriceState): void {
    moved.fill(0);
    listMoved.fill(0);
    if (state === current) return;
    for (let a = 0; a < nAssets; a++) if (state.prices[a] !== current.prices[a]) moved[a] = 1;
    current = state;
    moves++;
    if (byLegs) keepBefore();
    if (isolatedMode) loneBefore();
    for (let u = 0; u < table.underlyings.length; u++) {
      const a = universeIndex(u);
      if (a >= 0 && moved[a] === 1) {
        revalueUnderlying(arrays, table, kernel, state.ctx, u);
        revision[u]!++;
      }
    }
    if (byLegs) reachOf();
    if (isolatedMode) loneReach();
    for (let i = 1; i < lists.length; i++) {
      const list = lists[i]!;
      for (let j = 0; j < list.length; j++) if (moved[list[j]!] === 1) listMoved[i] = 1;
    }
  }

  /** Keeps what `reachOf` compares the moved risk arrays with. */
  function keepBefore(): void {
    const values = arrays.values;
    const count = Math.min(table.size * arrays.stride, values.length);
    if (before.length < count) before = doubles(Math.max(count, 2 * before.length));
    for (let i = 0; i < count; i++) before[i] = values[i]!;
    for (let u = 0; u < arrays.spot.length; u++) {
      spotBefore[u] = arrays.spot[u]!;
      const move = arrays.baseMove[u]!;
      let row = moveBefore[u];
      if (row === undefined || row.length < move.length) {
        row = doubles(move.length);
        moveBefore[u] = row;
      }
      for (let s = 0; s < move.length; s++) row[s] = move[s]!;
    }
    for (let g = 0; g < arrays.staticDiscount.length; g++) {
      groupBefore[3 * g] = arrays.staticDiscount[g]!;
      groupBefore[3 * g + 1] = arrays.shortDiscount[g]!;
      groupBefore[3 * g + 2] = arrays.basisFactor[g]!;
    }
  }

  /**
   * After a move: per instrument, a bound on how much one unit of it (either sign) can change a
   * portfolio unit's excess E - M, `reach`, and per underlying the same for one unit of risk-cancelling
   * base, `baseReach` (exact bounds in real arithmetic, from the rows before and after the move).
   * `aggregateSegment` makes M of a segment -mmFactor * min(basis, min_s w_s * scenario_s) plus or
   * less contingencies: a minimum moves by at most the largest move of its arguments, |min(0, a, b)|
   * by at most max(|da|, |db|), an expiry's discounted value v * (v >= 0 ? L : H), or -|.| of it in a
   * skew scenario, by at most max(|L|, |H|) * |dv|, and the contingencies by |dS| * rate * quantity
   * (linear quantity and naked shorts are each at most the sum of |q|). So per unit of |q|: the mark's
   * move (equity) plus max(|mmFactor|, 1) * (max(max|w| * scenario move, |basisFactor| * basis move)
   * + |dS| * largest contingency rate), where an option's scenario move is its largest scenario value
   * move times max(|L|, |H|) plus its mark's move (the expiry's mark is subtracted) and its basis move
   * its largest basis value move plus its mark's move. An expiry whose constants changed (or NaN)
   * bounds nothing: Infinity. `size`: at least the magnitude of every term an instrument's unit adds to
   * the figures, before or after the move (their rounding is a few ulps of the sum of those).
   */
  function reachOf(): void {
    const count = table.size;
    reach = grownFloat(reach, count);
    size = grownFloat(size, count);
    const values = arrays.values;
    const R = arrays.stride;
    const F = Math.max(Math.abs(kernel.mmFactor), 1);
    const known = Math.min(count * R, before.length);
    for (let id = 0; id < count; id++) {
      const kind = table.kind[id]!;
      const u = table.underlying[id]!;
      const o = id * R;
      if (kind < 0 || o + R > known || u >= arrays.spot.length) {
        reach[id] = kind < 0 ? 0 : Number.POSITIVE_INFINITY;
        size[id] = kind < 0 ? 0 : Number.POSITIVE_INFINITY;
        continue;
      }
      const mk = arrays.kernel[u]!;
      const n = mk.n;
      let big = 0;
      let scenario = 0;
      for (let s = 0; s < n; s++) {
        const a = values[o + s]!;
        const b = before[o + s]!;
        scenario = Math.max(scenario, Math.abs(a - b));
        big = Math.max(big, Math.abs(a), Math.abs(b));
      }
      let basis = 0;
      for (let s = n; s < n + 3; s++) big = Math.max(big, Math.abs(values[o + s]!), Math.abs(before[o + s]!));
      basis = Math.max(
        Math.abs(values[o + n]! - before[o + n]!),
        Math.abs(values[o + n + 1]! - before[o + n + 1]!),
      );
      const mark = Math.abs(values[o + n + 2]! - before[o + n + 2]!);
      let maxW = 0;
      for (let s = 0; s < n; s++) maxW = Math.max(maxW, Math.abs(mk.weight[s]!));
      const rate = Math.max(Math.abs(mk.perpPercent), Math.abs(mk.optionPercent));
      const S = Math.max(Math.abs(arrays.spot[u]!), Math.abs(spotBefore[u]!));
      const dS = Math.abs(arrays.spot[u]! - spotBefore[u]!);
      let discount = 0;
      let factor = 0;
      if (kind !== PERP_KIND) {
        const g = table.group[id]!;
        const L = arrays.staticDiscount[g]!;
        const H = arrays.shortDiscount[g]!;
        const bf = arrays.basisFactor[g]!;
        if (L !== groupBefore[3 * g] || H !== groupBefore[3 * g + 1] || bf !== groupBefore[3 * g + 2]) {
          reach[id] = Number.POSITIVE_INFINITY;
          size[id] = Number.POSITIVE_INFINITY;
          continue;
        }
        discount = Math.max(Math.abs(L), Math.abs(H));
        factor = Math.abs(bf);
      }
      const option = kind === OPTION;
      const inScenarios = option ? scenario * discount + mark : scenario;
      const inBasis = kind === PERP_KIND ? 0 : option ? basis + mark : basis;
      reach[id] = mark + F * (Math.max(maxW * inScenarios, factor * inBasis) + dS * rate);
      size[id] = big * (1 + F * (1 + maxW) * (1 + discount + factor)) + F * S * rate;
    }
    for (let u = 0; u < table.underlyings.length; u++) {
      if (u >= arrays.spot.length || moveBefore[u] === undefined) {
        baseReach[u] = Number.POSITIVE_INFINITY;
        baseSize[u] = Number.POSITIVE_INFINITY;
        continue;
      }
      const mk = arrays.kernel[u]!;
      const move = arrays.baseMove[u]!;
      const was = moveBefore[u]!;
      let maxW = 0;
      let dMove = 0;
      let bigMove = 0;
      for (let s = 0; s < mk.n; s++) {
        maxW = Math.max(maxW, Math.abs(mk.weight[s]!));
        dMove = Math.max(dMove, Math.abs(move[s]! - was[s]!));
        bigMove = Math.max(bigMove, Math.abs(move[s]!), Math.abs(was[s]!));
      }
      const S = Math.max(Math.abs(arrays.spot[u]!), Math.abs(spotBefore[u]!));
      const dS = Math.abs(arrays.spot[u]! - spotBefore[u]!);
      const rate = Math.abs(mk.basePercent);
      // The base's mark: its amount at spot (PMRM v1), its value (pmrm-2, fixed here).
      const unit = pmrm2 ? 0 : dS / kernel.stablePrice;
      const unitSize = pmrm2 ? 1 : S / kernel.stablePrice;
      baseReach[u] = unit + F * (maxW * dMove + dS * rate);
      baseSize[u] = (unitSize + bigMove) * (1 + F * (1 + maxW)) + F * S * rate;
    }
  }

  /**
   * Portfolio mode, a unit exposed to the move: true when the move provably leaves its excess >= 0
   * (`computeMargin` would not find it liquidatable), its figures left as they were. Its slack (the
   * excess last computed, less the bounds of the moves since) is then reduced by this move's bound:
   * the sum of |q| * reach over its legs and |base| * baseReach over its segments. Only a unit whose
   * slack follows every move (it was evaluated at the state before) is tested, and the slack must
   * exceed the bound by more than the rounding of the figures (ROUNDING per term of the sum of the
   * sizes of the terms, at least 1e-9 of it).
   */
  function unmoved(k: number, r: number): boolean {
    if (slackAt[k] !== moves - 1) return false;
    const P = divisor;
    const inst = store.inst;
    const qty = store.qty;
    let bound = 0;
    let total = Math.abs(runCash[r]!) + Math.abs(runOther[r]! / P) + Math.abs(runHaircutMm[r]! / P);
    const lo = runLo[r]!;
    const hi = runHi[r]!;
    for (let i = lo; i < hi; i++) {
      const q = Math.abs(qty[i]!);
      const id = inst[i]!;
      bound += q * reach[id]!;
      total += q * size[id]!;
    }
    const segLo = runSubLo[r]!;
    const segHi = runSubHi[r]!;
    for (let j = segLo; j < segHi; j++) {
      const b = Math.abs(store.segBase[j]!);
      total += Math.abs(store.segKonst[j]!);
      if (b === 0) continue;
      const u = store.segU[j]!;
      bound += b * baseReach[u]!;
      total += b * baseSize[u]!;
    }
    const room = Math.max(1e-9, ROUNDING * (hi - lo + segHi - segLo + 8)) * total;
    const left = slack[k]! - bound * (1 + 1e-9);
    if (!(left > room)) return false;
    slack[k] = left;
    return true;
  }

  // Isolated mode: per instrument of a moved underlying, its mark and lone requirements per unit before
  // the move; per underlying, its spot and base requirement per unit before; per universe asset, the
  // bounds of `loneReach`.
  let markWas: number[] = doubles(0);
  let longWas: number[] = doubles(0);
  let shortWas: number[] = doubles(0);
  const spotWas: number[] = [];
  const baseWas: number[] = [];
  let assetReach: number[] = doubles(0);
  let assetBaseReach: number[] = doubles(0);

  /** Keeps what `loneReach` compares the moved figures with (the lone figures brought up to date). */
  function loneBefore(): void {
    const count = table.size;
    markWas = grownFloat(markWas, count);
    longWas = grownFloat(longWas, count);
    shortWas = grownFloat(shortWas, count);
    for (let id = 0; id < count; id++) {
      if (table.kind[id]! < 0) continue;
      const u = table.underlying[id]!;
      const a = universeIndex(u);
      if (a < 0 || moved[a] !== 1 || u >= arrays.spot.length) continue;
      stampLone(id);
      markWas[id] = arrays.mark[id]!;
      longWas[id] = loneLong[id]!;
      shortWas[id] = loneShort[id]!;
    }
    for (let u = 0; u < table.underlyings.length; u++) {
      const a = universeIndex(u);
      if (a < 0 || moved[a] !== 1 || u >= arrays.spot.length) continue;
      stampBase(u);
      spotWas[u] = arrays.spot[u]!;
      baseWas[u] = baseUnit[u]!;
    }
  }

  /**
   * After a move, per universe asset: a bound on how much one unit of quantity of any instrument of its
   * underlyings (either sign) can change an isolated unit's excess E - M, `assetReach` (its mark's move
   * plus the larger move of its lone requirements per unit, long and short: exact in real arithmetic,
   * as E sums q * mark and M |q| times the requirement per unit for q's sign), and the same per unit of
   * base, `assetBaseReach` (the move of spot / stable price under PMRM v1, of the base requirement per
   * unit). 0 for an asset that did not move; NaN or Infinity bounds nothing.
   */
  function loneReach(): void {
    assetReach = grownFloat(assetReach, nAssets);
    assetBaseReach = grownFloat(assetBaseReach, nAssets);
    assetReach.fill(0, 0, nAssets);
    assetBaseReach.fill(0, 0, nAssets);
    const count = table.size;
    for (let id = 0; id < count; id++) {
      if (table.kind[id]! < 0) continue;
      const u = table.underlying[id]!;
      const a = universeIndex(u);
      if (a < 0 || moved[a] !== 1) continue;
      if (u >= arrays.spot.length) {
        assetReach[a] = Number.POSITIVE_INFINITY;
        continue;
      }
      stampLone(id);
      const r =
        Math.abs(arrays.mark[id]! - markWas[id]!) +
        Math.max(Math.abs(loneLong[id]! - longWas[id]!), Math.abs(loneShort[id]! - shortWas[id]!));
      assetReach[a] = Math.max(assetReach[a]!, r);
    }
    for (let u = 0; u < table.underlyings.length; u++) {
      const a = universeIndex(u);
      if (a < 0 || moved[a] !== 1) continue;
      if (u >= arrays.spot.length || spotWas[u] === undefined) {
        assetBaseReach[a] = Number.POSITIVE_INFINITY;
        continue;
      }
      stampBase(u);
      const value = pmrm2 ? 0 : Math.abs(arrays.spot[u]! - spotWas[u]!) / kernel.stablePrice;
      assetBaseReach[a] = Math.max(assetBaseReach[a]!, value + Math.abs(baseUnit[u]! - baseWas[u]!));
    }
  }

  /** Isolated: the factor of the sizes in the slack's room (`isolatedUnmoved`), for a run of `r`'s terms. */
  function roomFactor(r: number): number {
    return 4 * ROUNDING * (runHi[r]! - runLo[r]! + runSubHi[r]! - runSubLo[r]! + 4) + 2 * NEAR;
  }

  /**
   * Isolated mode, a unit exposed to the move: true when the move provably leaves the unit's excess as
   * `positionMargin` sums it above the room within which `margin` margins it exactly (so `margin` would
   * keep its approximate figures, which never make it liquidatable), its figures left as they were.
   * The bound B of the move: per asset of the unit, its sum of |q| times `assetReach` plus its base
   * times `assetBaseReach`. The figures when its excess X was computed and now differ from the real
   * sums by their rounding (ROUNDING per term of their sizes), and the room by NEAR of |E| and M, each
   * of which has moved by at most the sum of the bounds since, T: it suffices that X - T exceeds
   * c (S + 4 T), c = 4 ROUNDING n + 2 NEAR, S the size then (the equity's terms, |E| and M). The slack
   * holds X - c S less (1 + 4c) times the bounds of the moves since; it must stay > 0.
   */
  function isolatedUnmoved(k: number, r: number): boolean {
    if (slackAt[k] !== moves - 1) return false;
    const list = lists[runExposed[r]!]!;
    const at = runSlot[r]!;
    let bound = 0;
    for (let j = 0; j < list.length; j++) {
      const a = list[j]!;
      bound += slotQ[at + j]! * assetReach[a]! + slotB[at + j]! * assetBaseReach[a]!;
    }
    const left = slack[k]! - bound * (1 + 1e-9) * (1 + 4 * roomFactor(r));
    if (!(left > 0)) return false;
    slack[k] = left;
    return true;
  }

  // Cross mode: a short option's charge per unit, mark plus optionMmFactor times its add-on, per
  // instrument (stamped with its underlying's revision).
  let shortUnit: number[] = doubles(0);
  let shortStamp: number[] = [];

  /** Brings instrument `id`'s short charge per unit to its underlying's revision. */
  function stampShort(id: number): void {
    if (id >= shortStamp.length) {
      const size = Math.max(id + 1, 2 * shortStamp.length, 64);
      shortUnit = grownFloat(shortUnit, size);
      shortStamp = grownInt(shortStamp, size, -1);
    }
    const u = table.underlying[id]!;
    if (shortStamp[id] === revision[u]) return;
    const addOn = shortOptionAddOn(cross, arrays.spot[u]!, table.strike[id]!, table.isPut[id] === 1);
    shortUnit[id] = arrays.mark[id]! + cross.optionMmFactor * addOn;
    shortStamp[id] = revision[u]!;
  }

  /**
   * As model/modes.ts `isolatedMode`, as `computeMargin` sums it: haircuts, each position alone, each
   * underlying's base alone, each through the kernel.
   */
  function isolatedRequirement(r: number): number {
    let mm = runHaircutMm[r]! / divisor;
    for (let i = runLo[r]!; i < runHi[r]!; i++) {
      const id = posInst[i]!;
      alone(table.underlying[id]!, id, posQty[i]!, 0);
      mm += one.mm;
    }
    for (let i = runSubLo[r]!; i < runSubHi[r]!; i++) {
      if (baseAmount[i] === 0) continue;
      alone(baseU[i]!, -1, 0, baseAmount[i]!);
      mm += one.mm;
    }
    return mm;
  }

  // Set by `positionMargin`: the unit's equity summed position by position, the sum of the sizes of its
  // terms (their rounding is a few ulps of it) and its requirement. Fields of an object made with
  // doubles (updated in place): a double returned by a call, or kept in a variable of the enclosing
  // function, is allocated as a number object, three per unit margined.
  const approximate = { equity: 0.5, size: 0.5, mm: 0.5 };

  /**
   * One pass over a cross or isolated run: its equity summed position by position (cash, marks, base,
   * other collateral), and its requirement, into `approximate`. Cross: the fixed ratios of
   * model/modes.ts `crossMode` (pmrm2-modes.ts under pmrm-2), position by position in the same
   * operations. Isolated: as `isolatedRequirement`, by per-unit figures.
   */
  function positionMargin(r: number, isolated: boolean): void {
    const mark = arrays.mark;
    const kind = table.kind;
    const underlying = table.underlying;
    const futureMm = cross.futureMm;
    const P = divisor;
    let e = runCash[r]! + runKonst[r]! + runOther[r]! / P;
    let size = Math.abs(runCash[r]!) + runKonstSize[r]! + Math.abs(runOther[r]! / P);
    let mm = runHaircutMm[r]! / P;
    for (let i = runLo[r]!; i < runHi[r]!; i++) {
      const id = posInst[i]!;
      const q = posQty[i]!;
      const v = q * mark[id]!;
      e += v;
      size += Math.abs(v);
      if (isolated) {
        if (id >= loneStamp.length || loneStamp[id] !== revision[underlying[id]!]) stampLone(id);
        mm += q >= 0 ? q * loneLong[id]! : -q * loneShort[id]!;
      } else if (kind[id] !== OPTION) mm += Math.abs(q) * mark[id]! * futureMm;
      else if (q < 0) {
        if (id >= shortStamp.length || shortStamp[id] !== revision[underlying[id]!]) stampShort(id);
        mm += -q * shortUnit[id]!;
      }
    }
    // Bases in underlying name order, as the run's segments are.
    for (let i = runSubLo[r]!; i < runSubHi[r]!; i++) {
      const u = baseU[i]!;
      const b = baseAmount[i]!;
      const v = pmrm2 ? b : (b * arrays.spot[u]!) / kernel.stablePrice;
      e += v;
      size += Math.abs(v);
      if (!isolated || b === 0) continue;
      if (b < 0) {
        alone(u, -1, 0, b);
        mm += one.mm;
      } else {
        stampBase(u);
        mm += b * baseUnit[u]!;
      }
    }
    if (!isolated) {
      for (const c of runBase[r]!) {
        mm +=
          mmHaircut(c.amount * current.ctx.markets.get(c.underlying)!.spot, c.params) / kernel.stablePrice;
      }
    }
    approximate.equity = e;
    approximate.size = size;
    approximate.mm = mm;
  }

  /**
   * The unit's equity as `computeMargin` sums it: its run of legs built (in `exact`) and marked segment
   * by segment. Throws the overflow error of non-finite totals, as the reference does. An isolated
   * run's positions are read at their places in the account's list (`posAt`), not found again by
   * filtering it.
   */
  function exactEquity(u: StressUnit, r: number): number {
    let m: number;
    if (isolatedMode) {
      const all = u.account.positions ?? NO_POSITIONS;
      const lo = runLo[r]!;
      m = runHi[r]! - lo;
      legs = positionLegs(m, legs);
      for (let i = 0; i < m; i++) setLeg(i, posInst[lo + i]!, u, i, all[posAt[lo + i]!]!);
    } else m = positionsOf(u, r);
    let base = NO_BASE;
    if (runSubHi[r]! > runSubLo[r]!) {
      const byName = new Map<string, number>();
      for (let i = runSubLo[r]!; i < runSubHi[r]!; i++)
        byName.set(table.underlyings[baseU[i]!]!, baseAmount[i]!);
      base = byName;
    }
    exact.legCount = 0;
    exact.segCount = 0;
    appendRun(table, exact, legs, m, base);
    for (let j = 0; j < exact.segCount; j++) {
      markSegment(kernel, table, arrays, exact, j);
      exact.segIm[j] = 0;
      exact.segMm[j] = 0;
    }
    setTerms(r);
    if (!accountTotals(kernel, terms, exact, 0, exact.segCount, totals)) throw overflowError(totals);
    return totals.equity;
  }

  function setTerms(r: number): void {
    terms.cash = runCash[r]!;
    terms.otherValue = runOther[r]!;
    terms.haircutMm = runHaircutMm[r]!;
    terms.haircutIm = runHaircutIm[r]!;
  }

  // Isolated mode: per instrument, what its holdings' figures take of the state `figuresAt[id]` (as
  // holding-figures.ts `readHoldings` reads them): its market's spot S, then for a perp the perp price
  // (flow and value), for a future the forward per spot and the forward, for an option its delta and
  // unit value.
  const figuresAt: (PriceState | undefined)[] = [];
  let figS: number[] = doubles(0);
  let figFlow: number[] = doubles(0);
  let figValue: number[] = doubles(0);

  /**
   * Brings the figures of run `r`'s instruments to `state`; false when the state lacks data one needs
   * (the caller reads the unit's holdings as `readHoldings` does, which names the error).
   */
  function runFigures(state: PriceState, r: number): boolean {
    const ctx = state.ctx;
    for (let i = runLo[r]!; i < runHi[r]!; i++) {
      const id = posInst[i]!;
      if (figuresAt[id] === state) continue;
      if (id >= figS.length) {
        const size = Math.max(id + 1, 2 * figS.length, 64);
        figS = grownFloat(figS, size);
        figFlow = grownFloat(figFlow, size);
        figValue = grownFloat(figValue, size);
        while (figuresAt.length < size) figuresAt.push(undefined);
      }
      const m = ctx.markets.get(table.underlyings[table.underlying[id]!]!);
      if (!m) return false;
      const S = m.spot;
      const kind = table.kind[id]!;
      if (kind === PERP_KIND) {
        if (m.perpPrice === undefined) return false;
        figFlow[id] = m.perpPrice;
        figValue[id] = m.perpPrice;
      } else {
        const e = m.expiries.get(table.expiry[id]!);
        if (!e) return false;
        const forwardPerSpot = (e.forward - e.forwardFixed) / S;
        if (kind === FUTURE_KIND) {
          figFlow[id] = forwardPerSpot;
          figValue[id] = e.forward;
        } else {
          const right = table.isPut[id] === 1 ? 'put' : 'call';
          const unit = optionFigures(ctx, e, table.strike[id]!, right, forwardPerSpot);
          figFlow[id] = unit[1];
          figValue[id] = unit[0];
        }
      }
      figS[id] = S;
      figuresAt[id] = state;
    }
    return true;
  }

  /** The isolated unit's run, when its positions there are the unit's (margined, not changed since). */
  function heldRun(u: StressUnit): number {
    const k = u.index;
    const r = runOf[k]!;
    return isolatedMode && r >= 0 && stale[k] === 0 ? r : -1;
  }

  /**
   * `appendHoldingFigures` with the positions read off the unit's run: collateral as it reads it, then
   * per position in the same order the same operations on the same numbers.
   */
  function runHoldingFigures(out: HoldingFigures, state: PriceState, u: StressUnit): number {
    const r = heldRun(u);
    if (r < 0 || !runFigures(state, r)) return appendHoldingFigures(out, state, universe, u);
    let total = collateralHoldings(state, universe, u, out);
    const P = state.ctx.stablePrice;
    const chain = u.chain!;
    let w = out.count;
    for (let i = runLo[r]!; i < runHi[r]!; i++) {
      const id = posInst[i]!;
      const q = posQty[i]!;
      const S = figS[id]!;
      const notional = (Math.abs(q) * S) / P;
      total += notional;
      out.chain[w] = chain;
      out.notional[w] = notional;
      out.asset[w] = universeIndex(table.underlying[id]!);
      out.flow[w++] = table.kind[id] === PERP_KIND ? (q * figFlow[id]!) / S : q * figFlow[id]!;
    }
    out.count = w;
    return total;
  }

  /** `holdingValue` with the positions read off the unit's run (as `runHoldingFigures`). */
  function runHoldingValue(state: PriceState, u: StressUnit): number {
    const r = heldRun(u);
    if (r < 0 || !runFigures(state, r)) return holdingValue(state, universe, u);
    let total = collateralHoldings(state, universe, u, undefined);
    const all = u.account.positions ?? NO_POSITIONS;
    const lo = runLo[r]!;
    for (let i = lo; i < runHi[r]!; i++) {
      const id = posInst[i]!;
      const q = posQty[i]!;
      const p = all[posAt[i]!]!;
      if (p.type === 'perp') total += q * (figValue[id]! - p.entryPrice) + (u.funding(i - lo, p) ?? 0);
      else if (p.type === 'future') total += q * (figValue[id]! - p.entryPrice);
      else total += q * figValue[id]!;
    }
    return total;
  }

  return {
    evaluator(mode, unitCount) {
      startMode(mode, unitCount);

      function margin(u: StressUnit, k: number, r: number): void {
        dirty[k] = 0;
        if (mode === 'portfolio') {
          const segLo = runSubLo[r]!;
          const segHi = runSubHi[r]!;
          for (let j = segLo; j < segHi; j++) aggregateSegment(kernel, table, arrays, store, j);
          setTerms(r);
          if (!accountTotals(kernel, terms, store, segLo, segHi, totals)) throw overflowError(totals);
          equity[k] = totals.equity;
          maintenance[k] = totals.maintenanceRequirement;
          slack[k] = totals.equity - totals.maintenanceRequirement;
          return;
        }
        const isolated = mode === 'isolated';
        positionMargin(r, isolated);
        const mm = approximate.mm;
        const e = approximate.equity;
        const approximateSize = approximate.size;
        // Room for the rounding of each sum: the equity's by position, the isolated requirement's by
        // per-unit figures. Within it (liquidatable units among them), the figures `computeMargin`
        // gives, to the last bit. A non-finite figure fails the test and is margined exactly too.
        const n = runHi[r]! - runLo[r]! + runSubHi[r]! - runSubLo[r]! + 4;
        const room = ROUNDING * n * approximateSize + (isolated ? NEAR * Math.max(Math.abs(e), mm) : 0);
        if (e - mm > room) {
          equity[k] = e;
          maintenance[k] = mm;
          if (isolated) slack[k] = e - mm - roomFactor(r) * (approximateSize + Math.abs(e) + Math.abs(mm));
          return;
        }
        equity[k] = exactEquity(u, r);
        maintenance[k] = isolated ? isolatedRequirement(r) : mm;
        // Within the room: margined again after every move.
        slack[k] = -1;
      }

      // One object for every round: a literal made after the loop deoptimised the loop's code in every
      // round (no feedback for it when the loop was compiled), and the next round ran unoptimised.
      const figures = { equity, maintenance };
      return {
        evaluate(state, units) {
          moveTo(state);
          const count = units.length;
          for (let i = 0; i < count; i++) {
            const u = units[i]!;
            const k = u.index;
            let r = runOf[k]!;
            if (r < 0) {
              r = isolatedMode ? buildAccount(units, i) : build(u);
              runOf[k] = r;
              dirty[k] = 1;
            } else if (stale[k] === 1 || listMoved[runWatch[r]!] === 1) {
              refresh(u, r);
              stale[k] = 0;
              dirty[k] = 1;
            } else if (
              listMoved[runExposed[r]!] === 1 &&
              !(byLegs ? unmoved(k, r) : isolatedMode && isolatedUnmoved(k, r))
            )
              dirty[k] = 1;
            if (dirty[k] === 1) margin(u, k, r);
            slackAt[k] = moves;
          }
          return figures;
        },
        changed(u) {
          stale[u.index] = 1;
        },
        ...(mode === 'isolated' ? { holdingFigures: runHoldingFigures, holdingValue: runHoldingValue } : {}),
      };
    },
  };
}
