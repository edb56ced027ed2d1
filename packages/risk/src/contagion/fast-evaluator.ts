import { buildAccountRun } from '../book/account-run.js';
import {
  type AccountTerms,
  type AccountTotals,
  accountTotals,
  aggregateSegment,
  kernelParams,
  overflowError,
  type RunLegs,
  type Segment,
} from '../book/aggregate.js';
import { createInstrumentTable, FUTURE, PERP } from '../book/instrument-table.js';
import { isPmrm2, type ModelContext } from '../book/model-context.js';
import { createRiskArrays, revalueUnderlying, valueNew } from '../book/risk-arrays.js';
import { type BaseCollateral, mmHaircut, resolveCollateral } from '../model/collateral.js';
import { resolvePmrm2Collateral } from '../pmrm2/pmrm2-collateral.js';
import type { Account } from '../types.js';
import type { PriceState, UnitEvaluator } from './evaluator.js';
import { collateralSource } from './holding-figures.js';
import type { AssetUniverse } from './price-state.js';
import type { StressMode } from './types.js';
import type { StressUnit } from './units.js';

/**
 * A unit's run, stored as ranges of the evaluator's packed arrays (legs, segments, positions) rather
 * than as objects of its own: half a million units each holding a dozen small arrays and objects made
 * the garbage collector the largest cost of a run.
 */
interface UnitSlot {
  /** Legs [legLo, legHi) of `packed.inst/qty/konst`. */
  legLo: number;
  legHi: number;
  /** Segments [segLo, segLo + segCount) of `packed.segU/segLo/segHi/segBase` (leg offsets absolute). */
  segLo: number;
  segCount: number;
  /** Positions [posLo, posLo + posCount) of `packed.posInst/posQty`, in input order. */
  posLo: number;
  posCount: number;
  terms: AccountTerms;
  /** Universe indexes of the run's underlyings (a move re-margins the unit). */
  exposed: readonly number[];
  /** Universe indexes of prices the collateral terms are built on (a move rebuilds the run). */
  watch: readonly number[];
  /** PMRM v1 risk-cancelling collateral (the cross mode charges its haircut at spot). */
  baseAssets: readonly BaseCollateral[];
  equity: number;
  maintenance: number;
  /** The figures are stale: the unit was never evaluated, or an underlying it holds moved. */
  dirty: boolean;
  /** The unit's holdings or cash were rewritten: its run is rebuilt before its next evaluation. */
  stale: boolean;
  /** The run is one of the shared initial runs (its references are never dropped). */
  shared: boolean;
}

/** The fast margin of one stress run: one set of risk arrays for every mode, an evaluator per mode. */
export interface StressMargin {
  evaluator(mode: StressMode, unitCount: number): UnitEvaluator;
}

const NONE: readonly number[] = [];

/**
 * Relative excess below which the isolated requirement is recomputed leg by leg. The per-unit
 * requirements round differently from the leg-by-leg sum (a few ulps of M): harmless where M only
 * decides "not liquidatable" with room to spare, but a liquidated unit's M sets its fraction, and a
 * last-bit difference there grows over a cascade of ever smaller slices.
 */
const NEAR = 1e-5;

/**
 * Section 8: the units of a mode margined over the risk book's shared per-instrument scenario arrays
 * (instrument table, risk arrays and the one aggregation kernel of `book/`), under the model the
 * parameters select. A new price state revalues only the instruments of underlyings whose spot moved
 * and re-margins only the units exposed to a moved asset; a settled unit's run is rebuilt alone, on
 * its next evaluation. The figures are those of `computeMargin` on each unit (the same kernel, in the
 * same order), except that a lone position's isolated requirement is |q| times its instrument's
 * requirement per unit for its sign (exact in real arithmetic) where the unit is clearly healthy; a
 * liquidatable unit, or one near the boundary, is recomputed leg by leg as `computeMargin` does, so
 * every decision and every reported figure is the same.
 */
export function createStressMargin(universe: AssetUniverse, initial: PriceState): StressMargin {
  const kernel = kernelParams(initial.ctx);
  const pmrm2 = isPmrm2(initial.ctx);
  const table = createInstrumentTable();
  const arrays = createRiskArrays(kernel.n);
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
  /** Per universe asset: its price moved in the last `moveTo`. */
  const moved = new Uint8Array(nAssets);
  /** Per collateral asset: the universe index its terms depend on (-1: none). */
  const termsSource = new Map<string, number>();
  /**
   * Runs built at P0 for units that are whole accounts (`cross` and `portfolio` margin the same units
   * from the same state): the second mode takes the first's instead of building its own. They keep
   * their instrument references for the whole run.
   */
  const initialRuns = new Map<string, UnitSlot>();
  /** Every run's legs, segments and positions, appended (a rebuilt run's old ranges are left behind). */
  const packed = {
    inst: [] as number[],
    qty: [] as number[],
    konst: [] as number[],
    segU: [] as number[],
    segLo: [] as number[],
    segHi: [] as number[],
    segBase: [] as number[],
    posInst: [] as number[],
    posQty: [] as number[],
  };
  /** Reused segment objects for the kernel and `accountTotals`, and the list handed to the latter. */
  const segPool: Segment[] = [];
  const segView: Segment[] = [];
  /** Equal lists of universe indexes, shared by every slot that has them. */
  const lists = new Map<string, readonly number[]>();
  /** Per table underlying: its universe index, and a counter bumped by each revaluation. */
  const universeOf: number[] = [];
  const revision: number[] = [];

  // Isolated mode: a lone position's requirement per unit of quantity, long and short, per instrument
  // (stamped with its underlying's revision), and each underlying's per unit of risk-cancelling base.
  let loneLong = new Float64Array(0);
  let loneShort = new Float64Array(0);
  let loneStamp = new Int32Array(0);
  const baseUnit: number[] = [];
  const baseStamp: number[] = [];
  // The kernel on a one-leg run (as model/modes.ts `isolatedMode`, without its allocations).
  const oneLeg = { inst: [0], qty: [0], konst: [0] };
  const noLegs: RunLegs = { inst: [], qty: [], konst: [] };
  const scratch = { u: 0, lo: 0, hi: 0, base: 0, im: 0, mm: 0, mtm: 0 };

  function alone(u: number, legs: RunLegs, hi: number, base: number): number {
    scratch.u = u;
    scratch.hi = hi;
    scratch.base = base;
    aggregateSegment(kernel, table, arrays, legs, scratch);
    return scratch.mm;
  }

  function oneLegAlone(id: number, q: number): number {
    oneLeg.inst[0] = id;
    oneLeg.qty[0] = q;
    return alone(table.underlying[id]!, oneLeg, 1, 0);
  }

  function lone(id: number, q: number): number {
    if (id >= loneStamp.length) {
      const size = Math.max(id + 1, 2 * loneStamp.length, 64);
      const long = new Float64Array(size);
      const short = new Float64Array(size);
      const stamp = new Int32Array(size).fill(-1);
      long.set(loneLong);
      short.set(loneShort);
      stamp.set(loneStamp);
      loneLong = long;
      loneShort = short;
      loneStamp = stamp;
    }
    const r = revision[table.underlying[id]!]!;
    if (loneStamp[id] !== r) {
      loneLong[id] = oneLegAlone(id, 1);
      loneShort[id] = oneLegAlone(id, -1);
      loneStamp[id] = r;
    }
    return q >= 0 ? q * loneLong[id]! : -q * loneShort[id]!;
  }

  function loneBase(u: number, b: number): number {
    if (b < 0) return alone(u, noLegs, 0, b);
    if (baseStamp[u] !== revision[u]) {
      baseUnit[u] = alone(u, noLegs, 0, 1);
      baseStamp[u] = revision[u]!;
    }
    return b * baseUnit[u]!;
  }

  /** Mark-to-market of a segment, summed in the order of `aggregateSegment`. */
  function segmentMtm(run: RunLegs, lo: number, hi: number, u: number, b: number): number {
    const n = arrays.kernel[u]!.n;
    const R = arrays.stride;
    const v = arrays.values;
    let mtm = pmrm2 ? b : (b * arrays.spot[u]!) / kernel.stablePrice;
    let i = lo;
    for (; i < hi && table.kind[run.inst[i]!] === PERP; i++) {
      mtm += run.qty[i]! * v[run.inst[i]! * R + n + 2]! + run.konst[i]!;
    }
    while (i < hi) {
      const g = table.group[run.inst[i]!]!;
      let mtmE = 0;
      for (; i < hi && table.group[run.inst[i]!] === g; i++) {
        const id = run.inst[i]!;
        if (table.kind[id] === FUTURE) mtm += run.qty[i]! * v[id * R + n + 2]! + run.konst[i]!;
        else mtmE += run.qty[i]! * v[id * R + n + 2]!;
      }
      mtm += mtmE;
    }
    return mtm;
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

  function interned(list: number[]): readonly number[] {
    if (list.length === 0) return NONE;
    const key = list.join(',');
    let hit = lists.get(key);
    if (!hit) {
      hit = list;
      lists.set(key, list);
    }
    return hit;
  }

  function build(u: StressUnit, old: UnitSlot | undefined): UnitSlot {
    const ctx = current.ctx;
    const account: Account = { cash: u.cash, collateral: u.collateral, positions: u.positions };
    const col = isPmrm2(ctx)
      ? resolvePmrm2Collateral(ctx, u.collateral)
      : resolveCollateral(ctx, u.collateral);
    const run = buildAccountRun(ctx, table, account, col);
    valueNew(arrays, table, kernel, ctx);
    // The old run's references go after the new one took its own, so shared instruments stay valued.
    if (old && !old.shared) for (let i = old.legLo; i < old.legHi; i++) table.release(packed.inst[i]!);
    const legLo = packed.inst.length;
    for (let i = 0; i < run.inst.length; i++) {
      packed.inst.push(run.inst[i]!);
      packed.qty.push(run.qty[i]!);
      packed.konst.push(run.konst[i]!);
    }
    const segLo = packed.segU.length;
    const exposed: number[] = [];
    for (const seg of run.segments) {
      packed.segU.push(seg.u);
      packed.segLo.push(legLo + seg.lo);
      packed.segHi.push(legLo + seg.hi);
      packed.segBase.push(seg.base);
      exposed.push(universeIndex(seg.u));
    }
    const posLo = packed.posInst.length;
    const positions = u.positions;
    for (let i = 0; i < positions.length; i++) {
      packed.posInst.push(run.positionInstrument[i]!);
      packed.posQty.push(positions[i]!.quantity);
    }
    const watch: number[] = [];
    for (const c of u.collateral) {
      const i = termsSourceOf(ctx, c.asset);
      if (i >= 0 && !watch.includes(i)) watch.push(i);
    }
    return {
      legLo,
      legHi: packed.inst.length,
      segLo,
      segCount: run.segments.length,
      posLo,
      posCount: positions.length,
      terms: run.terms,
      exposed: interned(exposed),
      watch: interned(watch.sort((x, y) => x - y)),
      baseAssets: 'baseAssets' in col && col.baseAssets.length > 0 ? col.baseAssets : [],
      equity: 0,
      maintenance: 0,
      dirty: true,
      stale: false,
      shared: false,
    };
  }

  /** The slot's segments, as the kernel's segment objects (reused), in `segView`. */
  function segmentsOf(slot: UnitSlot): Segment[] {
    segView.length = 0;
    for (let j = 0; j < slot.segCount; j++) {
      let seg = segPool[j];
      if (!seg) {
        seg = { u: 0, lo: 0, hi: 0, base: 0, im: 0, mm: 0, mtm: 0 };
        segPool[j] = seg;
      }
      const k = slot.segLo + j;
      const w = seg as { u: number; lo: number; hi: number; base: number };
      w.u = packed.segU[k]!;
      w.lo = packed.segLo[k]!;
      w.hi = packed.segHi[k]!;
      w.base = packed.segBase[k]!;
      seg.im = 0;
      seg.mm = 0;
      seg.mtm = 0;
      segView.push(seg);
    }
    return segView;
  }

  /** A unit's first slot: a whole account takes the run another mode built for it at P0. */
  function first(u: StressUnit): UnitSlot {
    if (u.chain !== undefined) return build(u, undefined);
    const built = initialRuns.get(u.id);
    if (built) return { ...built, equity: 0, maintenance: 0, dirty: true, stale: false };
    const slot = build(u, undefined);
    slot.shared = true;
    initialRuns.set(u.id, slot);
    return { ...slot };
  }

  /** Moves the risk arrays to `state`: revalues the underlyings whose spot changed. */
  function moveTo(state: PriceState): void {
    moved.fill(0);
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
  }

  function anyMoved(list: readonly number[]): boolean {
    for (let i = 0; i < list.length; i++) if (moved[list[i]!] === 1) return true;
    return false;
  }

  /** The cross mode's fixed-ratio requirement (model/modes.ts `crossMode`, pmrm2-modes.ts under pmrm-2). */
  function crossRequirement(slot: UnitSlot): number {
    const R = arrays.stride;
    const v = arrays.values;
    let mm = slot.terms.haircutMm / divisor;
    for (let i = slot.posLo; i < slot.posLo + slot.posCount; i++) {
      const id = packed.posInst[i]!;
      const q = packed.posQty[i]!;
      const mark = v[id * R + arrays.kernel[table.underlying[id]!]!.n + 2]!;
      const kind = table.kind[id];
      if (kind === PERP || kind === FUTURE) {
        mm += Math.abs(q) * mark * cross.futureMm;
        continue;
      }
      if (q >= 0) continue;
      const S = arrays.spot[table.underlying[id]!]!;
      const K = table.strike[id]!;
      const otm = table.isPut[id] === 0 ? Math.max(0, K - S) : Math.max(0, S - K);
      const addOn = Math.max(cross.optionShortA * S - otm, cross.optionShortB * S);
      mm += -q * (mark + cross.optionMmFactor * addOn);
    }
    for (const c of slot.baseAssets) {
      mm += mmHaircut(c.amount * current.ctx.markets.get(c.underlying)!.spot, c.params) / kernel.stablePrice;
    }
    return mm;
  }

  /** As model/modes.ts `isolatedMode`: haircuts, each position alone, each underlying's base alone. */
  function isolatedRequirement(slot: UnitSlot, exact: boolean): number {
    let mm = slot.terms.haircutMm / divisor;
    for (let i = slot.posLo; i < slot.posLo + slot.posCount; i++) {
      const id = packed.posInst[i]!;
      const q = packed.posQty[i]!;
      mm += exact ? oneLegAlone(id, q) : lone(id, q);
    }
    for (let k = slot.segLo; k < slot.segLo + slot.segCount; k++) {
      const u = packed.segU[k]!;
      const b = packed.segBase[k]!;
      if (b !== 0) mm += exact ? alone(u, noLegs, 0, b) : loneBase(u, b);
    }
    return mm;
  }

  function margin(slot: UnitSlot, mode: StressMode): void {
    const segments = segmentsOf(slot);
    if (mode === 'portfolio') {
      for (let j = 0; j < segments.length; j++) aggregateSegment(kernel, table, arrays, packed, segments[j]!);
    } else {
      // The other modes need the segments' marks only, not their scenario aggregation.
      for (let j = 0; j < segments.length; j++) {
        const seg = segments[j]!;
        seg.mtm = segmentMtm(packed, seg.lo, seg.hi, seg.u, seg.base);
      }
    }
    if (!accountTotals(kernel, slot.terms, segments, totals)) throw overflowError(totals);
    const equity = totals.equity;
    slot.equity = equity;
    if (mode === 'portfolio') slot.maintenance = totals.maintenanceRequirement;
    else if (mode === 'cross') slot.maintenance = crossRequirement(slot);
    else {
      let mm = isolatedRequirement(slot, false);
      // Liquidatable or close to it: the figures `computeMargin` gives, to the last bit.
      if (equity - mm <= NEAR * Math.max(Math.abs(equity), mm)) mm = isolatedRequirement(slot, true);
      slot.maintenance = mm;
    }
    slot.dirty = false;
  }

  return {
    evaluator(mode, unitCount) {
      const slots: (UnitSlot | undefined)[] = new Array(unitCount);
      const equityOut = new Float64Array(unitCount);
      const maintenanceOut = new Float64Array(unitCount);
      return {
        evaluate(state, units) {
          moveTo(state);
          const count = units.length;
          for (let i = 0; i < count; i++) {
            const u = units[i]!;
            let slot = slots[u.index];
            if (!slot) {
              slot = first(u);
              slots[u.index] = slot;
            } else if (slot.stale || anyMoved(slot.watch)) {
              slot = build(u, slot);
              slots[u.index] = slot;
            } else if (!slot.dirty && anyMoved(slot.exposed)) slot.dirty = true;
            if (slot.dirty) margin(slot, mode);
            equityOut[i] = slot.equity;
            maintenanceOut[i] = slot.maintenance;
          }
          return { equity: equityOut.subarray(0, count), maintenance: maintenanceOut.subarray(0, count) };
        },
        changed(u) {
          const slot = slots[u.index];
          if (slot) slot.stale = true;
        },
      };
    },
  };
}
