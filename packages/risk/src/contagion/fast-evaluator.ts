import { type AccountRun, buildAccountRun, releaseAccountRun } from '../book/account-run.js';
import {
  type AccountTerms,
  accountSummary,
  aggregateSegment,
  kernelParams,
  type RunLegs,
} from '../book/aggregate.js';
import { createInstrumentTable, FUTURE, PERP } from '../book/instrument-table.js';
import { createRiskArrays, revalueUnderlying, valueNew } from '../book/risk-arrays.js';
import {
  imHaircutExtra,
  mmHaircut,
  type ResolvedCollateral,
  resolveCollateral,
} from '../model/collateral.js';
import type { MarginContext } from '../model/context.js';
import type { Account, Position } from '../types.js';
import type { PriceState, UnitEvaluator } from './evaluator.js';
import type { StressMode } from './types.js';
import type { StressUnit } from './units.js';

interface UnitSlot {
  account: Account;
  positions: readonly Position[];
  run: AccountRun & { readonly positionInstrument: readonly number[] };
  /** Underlying indexes (positions and risk-cancelling collateral) and other collateral assets. */
  underlyings: Int32Array;
  assets: readonly string[];
  /** Collateral resolved at the state of `terms` (re-resolved when an asset it holds moves). */
  col: ResolvedCollateral;
  terms: AccountTerms;
  equity: number;
  maintenance: number;
  /** The figures are stale: the unit changed, or it was never evaluated. */
  dirty: boolean;
}

/** The collateral terms of a unit from its resolved collateral (as the book's run builds them). */
function termsOf(cash: number, col: ResolvedCollateral): AccountTerms {
  let otherValue = 0;
  let haircutMm = 0;
  let haircutIm = 0;
  for (const c of col.others) {
    otherValue += c.value;
    const h = mmHaircut(c.value, c.params);
    haircutMm += h;
    haircutIm += h + imHaircutExtra(c.value, c.params);
  }
  return { cash, otherValue, haircutMm, haircutIm };
}

/**
 * Section 8: the units of a mode margined over the risk book's shared per-instrument scenario arrays
 * (instrument table, risk arrays and the one aggregation kernel of `book/`). A new price state
 * revalues only the instruments of underlyings whose spot moved and re-aggregates only the units
 * exposed to a moved asset; a settled unit's run is rebuilt alone. The figures are those of
 * `computeMargin` on each unit (the same kernel, in the same order).
 */
export function fastEvaluator(mode: StressMode, initial: PriceState): UnitEvaluator {
  const kernel = kernelParams(initial.ctx);
  const table = createInstrumentTable();
  const arrays = createRiskArrays(kernel.n);
  /** The state the risk arrays hold. */
  let current: PriceState = initial;
  const slots = new Map<StressUnit, UnitSlot>();
  const cross = initial.ctx.params.cross;
  // Isolated mode: each position alone, and each underlying's risk-cancelling balance alone, through
  // the kernel on a one-leg run (as model/modes.ts `isolatedMode`, without its allocations).
  // Runs are plain arrays of numbers (book/account-run.ts); the one-leg run is reused for every leg.
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

  /** Mark-to-market of a segment, summed in the order of `aggregateSegment`. */
  function segmentMtm(run: AccountRun, lo: number, hi: number, u: number, b: number): number {
    const n = kernel.n;
    const R = arrays.stride;
    const v = arrays.values;
    let mtm = (b * arrays.spot[u]!) / kernel.stablePrice;
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

  function accountOf(u: StressUnit): Account {
    return {
      cash: u.cash,
      collateral: u.collateral.map((c) => ({ asset: c.asset, chain: c.chain, amount: c.amount })),
      positions: u.positions.map((p) => p.position),
    };
  }

  function build(u: StressUnit, old: UnitSlot | undefined): UnitSlot {
    const account = accountOf(u);
    const ctx = current.ctx;
    const col = resolveCollateral(ctx, account.collateral ?? []);
    const run = buildAccountRun(ctx, table, account, col);
    valueNew(arrays, table, kernel, ctx);
    // The old run's references go after the new one took its own, so shared instruments stay valued.
    if (old) releaseAccountRun(table, old.run);
    const others = new Set<string>();
    for (const c of account.collateral ?? []) {
      const underlying = ctx.params.assets[c.asset]?.underlying;
      if (underlying === undefined || !ctx.markets.has(underlying)) others.add(c.asset);
    }
    return {
      account,
      positions: account.positions ?? [],
      run,
      underlyings: Int32Array.from(run.segments, (s) => s.u),
      assets: [...others],
      col,
      terms: termsOf(account.cash ?? 0, col),
      equity: 0,
      maintenance: 0,
      dirty: true,
    };
  }

  /** Moves the risk arrays to `state`: revalues the underlyings whose spot changed. */
  function moveTo(state: PriceState): { underlyings: Set<number>; assets: Set<string> } {
    const underlyings = new Set<number>();
    const assets = new Set<string>();
    if (state === current) return { underlyings, assets };
    for (let u = 0; u < table.underlyings.length; u++) {
      const spot = state.ctx.markets.get(table.underlyings[u]!)?.spot;
      if (spot !== arrays.spot[u]) {
        revalueUnderlying(arrays, table, kernel, state.ctx, u);
        underlyings.add(u);
      }
    }
    for (const [asset, q] of Object.entries(state.ctx.prices)) {
      if (current.ctx.prices[asset]?.price !== q.price) assets.add(asset);
    }
    current = state;
    return { underlyings, assets };
  }

  /** The cross mode's fixed-ratio requirement (model/modes.ts `crossMode`) from the risk arrays. */
  function crossRequirement(ctx: MarginContext, slot: UnitSlot, col: ResolvedCollateral): number {
    const n = kernel.n;
    const R = arrays.stride;
    const v = arrays.values;
    let mm = 0;
    for (const c of col.others) mm += mmHaircut(c.value, c.params);
    mm /= ctx.stablePrice;
    slot.positions.forEach((p, i) => {
      const id = slot.run.positionInstrument[i]!;
      const mark = v[id * R + n + 2]!;
      const kind = table.kind[id];
      if (kind === PERP || kind === FUTURE) {
        mm += Math.abs(p.quantity) * mark * cross.futureMm;
        return;
      }
      if (p.quantity >= 0 || p.type !== 'option') return;
      const S = arrays.spot[table.underlying[id]!]!;
      const otm = p.right === 'call' ? Math.max(0, p.strike - S) : Math.max(0, S - p.strike);
      const addOn = Math.max(cross.optionShortA * S - otm, cross.optionShortB * S);
      mm += -p.quantity * (mark + cross.optionMmFactor * addOn);
    });
    for (const c of col.baseAssets) {
      mm += mmHaircut(c.amount * ctx.markets.get(c.underlying)!.spot, c.params) / ctx.stablePrice;
    }
    return mm;
  }

  function margin(slot: UnitSlot): void {
    const ctx = current.ctx;
    const { run, col, terms } = slot;
    if (mode === 'portfolio') {
      for (const seg of run.segments) aggregateSegment(kernel, table, arrays, run, seg);
    } else {
      // The other modes need the segments' marks only, not their scenario aggregation.
      for (const seg of run.segments) seg.mtm = segmentMtm(run, seg.lo, seg.hi, seg.u, seg.base);
    }
    const summary = accountSummary(kernel, terms, run.segments);
    slot.equity = summary.equity;
    if (mode === 'portfolio') slot.maintenance = summary.maintenanceRequirement;
    else if (mode === 'cross') slot.maintenance = crossRequirement(ctx, slot, col);
    else {
      // As model/modes.ts `isolatedMode`: haircuts, each position alone, each underlying's base alone.
      let mm = terms.haircutMm / kernel.stablePrice;
      const { positions } = slot;
      for (let i = 0; i < positions.length; i++) {
        const id = run.positionInstrument[i]!;
        oneLeg.inst[0] = id;
        oneLeg.qty[0] = positions[i]!.quantity;
        mm += alone(table.underlying[id]!, oneLeg, 1, 0);
      }
      for (const seg of run.segments) if (seg.base !== 0) mm += alone(seg.u, noLegs, 0, seg.base);
      slot.maintenance = mm;
    }
    slot.dirty = false;
  }

  return {
    evaluate(state, units) {
      const moved = moveTo(state);
      const equity = new Float64Array(units.length);
      const maintenance = new Float64Array(units.length);
      units.forEach((u, i) => {
        let slot = slots.get(u);
        if (!slot) {
          slot = build(u, undefined);
          slots.set(u, slot);
        }
        if (slot.assets.length > 0 && slot.assets.some((a) => moved.assets.has(a))) {
          slot.col = resolveCollateral(current.ctx, slot.account.collateral ?? []);
          slot.terms = termsOf(slot.account.cash ?? 0, slot.col);
          slot.dirty = true;
        }
        if (!slot.dirty) for (const x of slot.underlyings) if (moved.underlyings.has(x)) slot.dirty = true;
        if (slot.dirty) margin(slot);
        equity[i] = slot.equity;
        maintenance[i] = slot.maintenance;
      });
      return { equity, maintenance };
    },
    changed(u) {
      const old = slots.get(u);
      if (old) slots.set(u, build(u, old));
    },
  };
}
