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
import { createInstrumentTable, OPTION } from '../book/instrument-table.js';
import { isPmrm2, type ModelContext } from '../book/model-context.js';
import { createRiskArrays, revalueUnderlying, valueNew } from '../book/risk-arrays.js';
import { createRunStore, reserveLegs, reserveSegments } from '../book/run-store.js';
import { type BaseCollateral, mmHaircut, resolveCollateral } from '../model/collateral.js';
import { shortOptionAddOn } from '../model/modes.js';
import { resolvePmrm2Collateral } from '../pmrm2/pmrm2-collateral.js';
import type { PriceState, UnitEvaluator } from './evaluator.js';
import { collateralSource } from './holding-figures.js';
import type { StressSetup } from './simulate-mode.js';
import type { StressAccount, StressMode, StressPosition } from './types.js';
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

/**
 * Relative excess below which the isolated requirement is recomputed leg by leg. The per-unit
 * requirements round differently from the leg-by-leg sum (a few ulps of M): harmless where M only
 * decides "not liquidatable" with room to spare, but a liquidated unit's M sets its fraction, and a
 * last-bit difference there grows over a cascade of ever smaller slices.
 */
const NEAR = 1e-5;

function grownInt(a: Int32Array, size: number, fill = 0): Int32Array {
  if (size <= a.length) return a;
  const next = new Int32Array(Math.max(size, 2 * a.length, 64));
  next.set(a);
  if (fill !== 0) next.fill(fill, a.length);
  return next;
}

function grownFloat(a: Float64Array, size: number): Float64Array {
  if (size <= a.length) return a;
  const next = new Float64Array(Math.max(size, 2 * a.length, 64));
  next.set(a);
  return next;
}

/**
 * Section 8: the units of a mode margined over the risk book's shared per-instrument scenario arrays
 * (instrument table, risk arrays, run store and the one aggregation kernel of `book/`), under the
 * model the parameters select. A new price state revalues only the instruments of underlyings whose
 * spot moved and re-margins only the units exposed to a moved asset. Every unit state lives in flat
 * arrays indexed by run or by unit: runs (legs, segments, positions, collateral terms) shared by the
 * modes that margin the same units from the same state (`cross` and `portfolio` take the runs built at
 * P0), and per mode each unit's run and figures. A position's instrument is found (and its market
 * data checked) once per run of the simulator, whichever mode meets it first. A unit that sold a slice
 * keeps its run: the quantities are rewritten in place, merged and summed as a fresh build would, so
 * the figures are those of `computeMargin` on each unit (the same kernel, in the same order), except
 * that a lone position's isolated requirement is |q| times its instrument's requirement per unit for
 * its sign (exact in real arithmetic) where the unit is clearly healthy; a liquidatable unit, or one
 * near the boundary, is recomputed leg by leg as `computeMargin` does, so every decision and every
 * reported figure is the same.
 */
export function createStressMargin(setup: StressSetup, accounts: readonly StressAccount[]): StressMargin {
  const { universe } = setup;
  const initial = setup.stateAt(setup.initial);
  const kernel = kernelParams(initial.ctx);
  const pmrm2 = isPmrm2(initial.ctx);
  const table = createInstrumentTable();
  const arrays = createRiskArrays(kernel.n);
  const store = createRunStore();
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

  /** Per account: where its positions' instruments start in `instrumentOf` (-1: not found yet). */
  const positionBase = new Int32Array(accounts.length + 1);
  accounts.forEach((a, i) => {
    positionBase[i + 1] = positionBase[i]! + (a.positions?.length ?? 0);
  });
  /** Positions in the document: a mode's units hold each once. */
  const positionCount = positionBase[accounts.length]!;
  /** Per account position, its instrument (-1: not found yet), when more than one mode will need it. */
  const instrumentOf = setup.modes.length > 1 ? new Int32Array(positionCount).fill(-1) : undefined;
  /** Per instrument: a position of it passed `checkPosition` against `checkedAt`. */
  let checked: Uint8Array = new Uint8Array(0);
  let checkedAt: ModelContext | undefined;
  /** Per account: the run built at P0 for its whole-account unit (-1: none yet). */
  const accountRun = new Int32Array(accounts.length).fill(-1);

  // Runs, by run index: legs and segments in `store`, positions (input order) in `posInst`/`posQty`,
  // collateral terms, interned lists of universe indexes (exposure: a move re-margins the unit; watch:
  // a move rewrites its terms), PMRM v1 risk-cancelling collateral (the cross mode charges its haircut
  // at spot), and whether two modes share it (then a mode that must change it takes a copy).
  let runCount = 0;
  let runLegLo: Int32Array = new Int32Array(0);
  let runLegHi: Int32Array = new Int32Array(0);
  let runSegLo: Int32Array = new Int32Array(0);
  let runSegHi: Int32Array = new Int32Array(0);
  let runPosLo: Int32Array = new Int32Array(0);
  let runPosCount: Int32Array = new Int32Array(0);
  let runExposed: Int32Array = new Int32Array(0);
  let runWatch: Int32Array = new Int32Array(0);
  let runShared: Int32Array = new Int32Array(0);
  let runCash: Float64Array = new Float64Array(0);
  let runOther: Float64Array = new Float64Array(0);
  let runHaircutMm: Float64Array = new Float64Array(0);
  let runHaircutIm: Float64Array = new Float64Array(0);
  const runBase: (readonly BaseCollateral[])[] = [];
  let posCount = 0;
  let posInst: Int32Array = new Int32Array(0);
  let posQty: Float64Array = new Float64Array(0);

  /** Equal lists of universe indexes, interned; per list, whether the last `moveTo` moved one. */
  const lists: (readonly number[])[] = [[]];
  const listIndex = new Map<number | string, number>();
  let listMoved: Uint8Array = new Uint8Array(1);
  /** Per table underlying: its universe index, and a counter bumped by each revaluation. */
  const universeOf: number[] = [];
  const revision: number[] = [];
  let legs: PositionLegs = positionLegs(64);
  /** Runs two modes share (then the runs of the modes before are not dropped). */
  let sharedRuns = 0;
  /** The current mode reads positions one by one (cross, isolated). */
  let byPosition = true;

  // Per unit of the current mode (sized for the largest mode; one mode at a time uses them): its run,
  // its figures, whether they are stale (never computed, or an underlying the unit holds moved), and
  // whether its holdings or cash were rewritten (its run is refreshed before its next evaluation).
  let runOf: Int32Array = new Int32Array(0);
  let equity: Float64Array = new Float64Array(0);
  let maintenance: Float64Array = new Float64Array(0);
  let dirty: Uint8Array = new Uint8Array(0);
  let stale: Uint8Array = new Uint8Array(0);

  /**
   * Makes room for a mode of `unitCount` units. The runs of the modes before are dropped when no mode
   * shares one (their memory serves this mode's); runs shared with a later mode stay.
   */
  function startMode(mode: StressMode, unitCount: number): void {
    byPosition = mode !== 'portfolio';
    if (sharedRuns === 0) {
      runCount = 0;
      posCount = 0;
      store.legCount = 0;
      store.segCount = 0;
    }
    if (runOf.length < unitCount) {
      runOf = new Int32Array(unitCount);
      equity = new Float64Array(unitCount);
      maintenance = new Float64Array(unitCount);
      dirty = new Uint8Array(unitCount);
      stale = new Uint8Array(unitCount);
    }
    runOf.fill(-1, 0, unitCount);
    dirty.fill(0, 0, unitCount);
    stale.fill(0, 0, unitCount);
    if (runCount === 0) {
      // Sized for the mode's runs at once, rather than grown (and copied) run by run: each unit holds
      // some of the document's positions, and mostly one or two underlyings; a little more for the
      // copies of shared runs that liquidations take (memory is touched only where it is written).
      const slack = (n: number) => n + (n >> 6) + 1024;
      reserveLegs(store, slack(positionCount));
      reserveSegments(store, slack(2 * unitCount));
      if (byPosition) {
        posInst = grownInt(posInst, slack(positionCount));
        posQty = grownFloat(posQty, slack(positionCount));
      }
      reserveRuns(slack(unitCount));
    }
  }

  // Isolated mode: a lone position's requirement per unit of quantity, long and short, per instrument
  // (stamped with its underlying's revision), and each underlying's per unit of risk-cancelling base.
  // Loops read these arrays rather than call per position (a call returning a double allocates it).
  let loneLong: Float64Array = new Float64Array(0);
  let loneShort: Float64Array = new Float64Array(0);
  let loneStamp: Int32Array = new Int32Array(0);
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
  function addIndex(list: number[], a: number): void {
    if (a < 0) return;
    let i = list.length;
    while (i > 0 && list[i - 1]! > a) i--;
    if (i > 0 && list[i - 1] === a) return;
    list.push(a);
    for (let j = list.length - 1; j > i; j--) list[j] = list[j - 1]!;
    list[i] = a;
  }

  /** The interned list of the sorted, distinct indexes in `list`. */
  function interned(list: number[]): number {
    if (list.length === 0) return 0;
    // Sorted and distinct: below 53, a sum of powers of two names the set exactly (no string per unit).
    const key = list[list.length - 1]! < 53 ? list.reduce((k, a) => k + 2 ** a, 0) : list.join(',');
    let i = listIndex.get(key);
    if (i === undefined) {
      i = lists.length;
      lists.push(list);
      listIndex.set(key, i);
      const next = new Uint8Array(lists.length);
      next.set(listMoved.subarray(0, i));
      listMoved = next;
    }
    return i;
  }

  function reserveRuns(n: number): void {
    const size = runCount + n;
    if (size > runLegLo.length) {
      runLegLo = grownInt(runLegLo, size);
      runLegHi = grownInt(runLegHi, size);
      runSegLo = grownInt(runSegLo, size);
      runSegHi = grownInt(runSegHi, size);
      runPosLo = grownInt(runPosLo, size);
      runPosCount = grownInt(runPosCount, size);
      runExposed = grownInt(runExposed, size);
      runWatch = grownInt(runWatch, size);
      runShared = grownInt(runShared, size);
      runCash = grownFloat(runCash, size);
      runOther = grownFloat(runOther, size);
      runHaircutMm = grownFloat(runHaircutMm, size);
      runHaircutIm = grownFloat(runHaircutIm, size);
    }
  }

  function newRun(): number {
    reserveRuns(1);
    const r = runCount++;
    runShared[r] = 0;
    return r;
  }

  // The resolution of no collateral at the current state (most isolated units hold none).
  let noCollateral: { ctx: ModelContext; col: AnyResolvedCollateral } | undefined;

  /** The unit's collateral terms at the current state, into run `r`; returns the base per underlying. */
  function writeTerms(u: StressUnit, r: number): ReadonlyMap<string, number> {
    const ctx = current.ctx;
    let col: AnyResolvedCollateral;
    if (u.collateralCount === 0) {
      if (noCollateral?.ctx !== ctx) {
        noCollateral = {
          ctx,
          col: isPmrm2(ctx) ? resolvePmrm2Collateral(ctx, []) : resolveCollateral(ctx, []),
        };
      }
      col = noCollateral.col;
    } else {
      col = isPmrm2(ctx) ? resolvePmrm2Collateral(ctx, u.collateral) : resolveCollateral(ctx, u.collateral);
    }
    const t = collateralTerms(ctx, { cash: u.cash, collateral: u.collateral }, col);
    runCash[r] = t.terms.cash;
    runOther[r] = t.terms.otherValue;
    runHaircutMm[r] = t.terms.haircutMm;
    runHaircutIm[r] = t.terms.haircutIm;
    runBase[r] = 'baseAssets' in col && col.baseAssets.length > 0 ? col.baseAssets : NONE;
    return t.base;
  }

  function setLeg(i: number, id: number, p: StressPosition): void {
    legs.inst[i] = id;
    legs.qty[i] = p.quantity;
    legs.konst[i] = markConstant(p);
  }

  /**
   * The unit's positions as unsorted legs, in its order. Its i-th position is its account's i-th on
   * its chain (all of them without one), a scaled copy once it owns its holdings: the instrument is
   * the one found for that account position (checked against the current market data the first time,
   * as `computeMargin` checks the unit's document), the quantity and mark constant the unit's own.
   */
  function positionsOf(u: StressUnit): number {
    const all = u.account.positions ?? [];
    const own = u.ownsHoldings ? u.positions : undefined;
    const count = u.positionCount;
    const chain = u.chain;
    const base = positionBase[u.accountIndex]!;
    legs = positionLegs(count, legs);
    let i = 0;
    for (let j = 0; j < all.length && i < count; j++) {
      const p = all[j]!;
      if (chain !== undefined && p.chain !== chain) continue;
      let id = instrumentOf ? instrumentOf[base + j]! : -1;
      if (id < 0) {
        id = table.find(p);
        if (instrumentOf) instrumentOf[base + j] = id;
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
      }
      setLeg(i, id, own ? own[i]! : p);
      i++;
    }
    return i;
  }

  /**
   * Appends positions [0, m) of `legs` (instruments and quantities) as run `r`'s positions: the cross
   * and isolated requirements go position by position (the portfolio needs none).
   */
  function writePositions(r: number, m: number): void {
    posInst = grownInt(posInst, posCount + m);
    posQty = grownFloat(posQty, posCount + m);
    runPosLo[r] = posCount;
    runPosCount[r] = m;
    for (let i = 0; i < m; i++) {
      posInst[posCount + i] = legs.inst[i]!;
      posQty[posCount + i] = legs.qty[i]!;
    }
    posCount += m;
  }

  /** A new run for the unit at the current state: `from`, the run it replaces (-1: none). */
  function build(u: StressUnit, from: number): number {
    const ctx = current.ctx;
    const r = newRun();
    const base = writeTerms(u, r);
    const m = positionsOf(u);
    const legLo = store.legCount;
    const segLo = store.segCount;
    appendRun(table, store, legs, m, base);
    runLegLo[r] = legLo;
    runLegHi[r] = store.legCount;
    runSegLo[r] = segLo;
    runSegHi[r] = store.segCount;
    if (byPosition) writePositions(r, m);
    else runPosLo[r] = -1;
    if (from >= 0) {
      runExposed[r] = runExposed[from]!;
      runWatch[r] = runWatch[from]!;
      return r;
    }
    // Instruments stay held for the whole run: their risk arrays follow every price move.
    for (let i = legLo; i < store.legCount; i++) table.retain(store.inst[i]!);
    valueNew(arrays, table, kernel, ctx);
    const exposed: number[] = [];
    for (let j = segLo; j < store.segCount; j++) addIndex(exposed, universeIndex(store.segU[j]!));
    const watch: number[] = [];
    if (u.collateralCount > 0) for (const c of u.collateral) addIndex(watch, termsSourceOf(ctx, c.asset));
    runExposed[r] = interned(exposed);
    runWatch[r] = interned(watch);
    return r;
  }

  /**
   * Run `r` brought to the unit's holdings and cash after a settlement, or to a move of the prices its
   * collateral terms are built on: rewritten in place (same instruments, new quantities and terms), or
   * a copy when another mode shares it.
   */
  function refresh(u: StressUnit, r: number): number {
    if (runShared[r] === 1) return build(u, r);
    const base = writeTerms(u, r);
    const m = positionsOf(u);
    const fits = rewriteRun(
      table,
      store,
      runLegLo[r]!,
      runLegHi[r]!,
      runSegLo[r]!,
      runSegHi[r]!,
      legs,
      m,
      base,
    );
    if (!fits) return build(u, r);
    const at = runPosLo[r]!;
    if (at >= 0) for (let i = 0; i < m; i++) posQty[at + i] = legs.qty[i]!;
    return r;
  }

  /** Run `r`'s positions, written when a mode that reads them meets a run made without. */
  function ensurePositions(u: StressUnit, r: number): void {
    if (runPosLo[r]! >= 0) return;
    writePositions(r, positionsOf(u));
  }

  /** A unit's first run: a whole account takes the run another mode built for it at P0. */
  function first(u: StressUnit): number {
    if (u.chain !== undefined) return build(u, -1);
    const built = accountRun[u.accountIndex]!;
    if (built >= 0) return built;
    const r = build(u, -1);
    runShared[r] = 1;
    sharedRuns++;
    accountRun[u.accountIndex] = r;
    return r;
  }

  /** Moves the risk arrays to `state`: revalues the underlyings whose spot changed. */
  function moveTo(state: PriceState): void {
    moved.fill(0);
    listMoved.fill(0);
    if (state === current) return;
    for (let a = 0; a < nAssets; a++) if (state.prices[a] !== current.prices[a]) moved[a] = 1;
    current = state;
    for (let u = 0; u < table.underlyings.length; u++) {
      const a = universeIndex(u);
      if (a >= 0 && moved[a] === 1) {
        revalueUnderlying(arrays, table, kernel, state.ctx, u);
        revision[u]!++;
      }
    }
    for (let i = 1; i < lists.length; i++) {
      const list = lists[i]!;
      for (let j = 0; j < list.length; j++) if (moved[list[j]!] === 1) listMoved[i] = 1;
    }
  }

  // Cross mode: a short option's charge per unit, mark plus optionMmFactor times its add-on, per
  // instrument (stamped with its underlying's revision).
  let shortUnit: Float64Array = new Float64Array(0);
  let shortStamp: Int32Array = new Int32Array(0);

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
   * The cross mode's fixed-ratio requirement (model/modes.ts `crossMode`, pmrm2-modes.ts under
   * pmrm-2), position by position in the same operations.
   */
  function crossRequirement(r: number): number {
    const mark = arrays.mark;
    const kind = table.kind;
    const futureMm = cross.futureMm;
    let mm = runHaircutMm[r]! / divisor;
    const lo = runPosLo[r]!;
    const hi = lo + runPosCount[r]!;
    for (let i = lo; i < hi; i++) {
      const id = posInst[i]!;
      const q = posQty[i]!;
      if (kind[id] !== OPTION) mm += Math.abs(q) * mark[id]! * futureMm;
      else if (q < 0) {
        if (id >= shortStamp.length || shortStamp[id] !== revision[table.underlying[id]!]) stampShort(id);
        mm += -q * shortUnit[id]!;
      }
    }
    for (const c of runBase[r]!) {
      mm += mmHaircut(c.amount * current.ctx.markets.get(c.underlying)!.spot, c.params) / kernel.stablePrice;
    }
    return mm;
  }

  /**
   * As model/modes.ts `isolatedMode`: haircuts, each position alone, each underlying's base alone;
   * `exact`: each through the kernel as `computeMargin` does, else |q| times the per-unit figure.
   */
  function isolatedRequirement(r: number, exact: boolean): number {
    let mm = runHaircutMm[r]! / divisor;
    const lo = runPosLo[r]!;
    const hi = lo + runPosCount[r]!;
    const underlying = table.underlying;
    for (let i = lo; i < hi; i++) {
      const id = posInst[i]!;
      const q = posQty[i]!;
      if (exact) {
        alone(underlying[id]!, id, q, 0);
        mm += one.mm;
        continue;
      }
      if (id >= loneStamp.length || loneStamp[id] !== revision[underlying[id]!]) stampLone(id);
      mm += q >= 0 ? q * loneLong[id]! : -q * loneShort[id]!;
    }
    for (let j = runSegLo[r]!; j < runSegHi[r]!; j++) {
      const b = store.segBase[j]!;
      if (b === 0) continue;
      const u = store.segU[j]!;
      if (exact || b < 0) {
        alone(u, -1, 0, b);
        mm += one.mm;
      } else {
        stampBase(u);
        mm += b * baseUnit[u]!;
      }
    }
    return mm;
  }

  return {
    evaluator(mode, unitCount) {
      startMode(mode, unitCount);

      function margin(k: number, r: number): void {
        const segLo = runSegLo[r]!;
        const segHi = runSegHi[r]!;
        if (mode === 'portfolio') {
          for (let j = segLo; j < segHi; j++) aggregateSegment(kernel, table, arrays, store, j);
        } else {
          // The other modes need the segments' marks only, not their scenario aggregation.
          for (let j = segLo; j < segHi; j++) markSegment(kernel, table, arrays, store, j);
        }
        terms.cash = runCash[r]!;
        terms.otherValue = runOther[r]!;
        terms.haircutMm = runHaircutMm[r]!;
        terms.haircutIm = runHaircutIm[r]!;
        if (!accountTotals(kernel, terms, store, segLo, segHi, totals)) throw overflowError(totals);
        const e = totals.equity;
        equity[k] = e;
        if (mode === 'portfolio') maintenance[k] = totals.maintenanceRequirement;
        else if (mode === 'cross') maintenance[k] = crossRequirement(r);
        else {
          let mm = isolatedRequirement(r, false);
          // Liquidatable or close to it: the figures `computeMargin` gives, to the last bit.
          if (e - mm <= NEAR * Math.max(Math.abs(e), mm)) mm = isolatedRequirement(r, true);
          maintenance[k] = mm;
        }
        dirty[k] = 0;
      }

      return {
        evaluate(state, units) {
          moveTo(state);
          const count = units.length;
          for (let i = 0; i < count; i++) {
            const u = units[i]!;
            const k = u.index;
            let r = runOf[k]!;
            if (r < 0) {
              r = first(u);
              runOf[k] = r;
              dirty[k] = 1;
            } else if (stale[k] === 1 || listMoved[runWatch[r]!] === 1) {
              r = refresh(u, r);
              runOf[k] = r;
              stale[k] = 0;
              dirty[k] = 1;
            } else if (listMoved[runExposed[r]!] === 1) dirty[k] = 1;
            if (dirty[k] === 1) {
              if (byPosition && runPosLo[r]! < 0) ensurePositions(u, r);
              margin(k, r);
            }
          }
          return { equity, maintenance };
        },
        changed(u) {
          stale[u.index] = 1;
        },
      };
    },
  };
}
