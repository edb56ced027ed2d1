import { AppError } from '@xmargin/errors';
import type { MarginContext } from '../model/context.js';
import type { MarginSummary } from '../types.js';
import { FUTURE, type InstrumentTable, PERP } from './instrument-table.js';
import type { RiskArrays } from './risk-arrays.js';

/**
 * The margin formula of spec sections 3-4 (PMRM v1), in one place: every path (the book, computeMargin,
 * computeMarginSummary, the isolated mode) aggregates shared risk arrays through these functions.
 */

/** What the aggregation needs of the parameters and the document, resolved once per context. */
export interface KernelParams {
  readonly n: number;
  readonly weight: Float64Array;
  /** Scenarios (1, none): the expiry value is its mark, not a repricing. */
  readonly isMark: Uint8Array;
  readonly perpPercent: number;
  readonly basePercent: number;
  readonly optionPercent: number;
  readonly confidenceThreshold: number;
  readonly confidenceMargin: number;
  readonly mmFactor: number;
  /** imFactor raised by the stablecoin depeg add-on. */
  readonly imFactor: number;
  readonly stablePrice: number;
  /** Scratch rows (scenario P&L, expiry value), reused by every call. */
  readonly pnl: Float64Array;
  readonly value: Float64Array;
}

export function kernelParams(ctx: MarginContext): KernelParams {
  const { scenarios, contingency, confidence } = ctx.params;
  const n = scenarios.length;
  return {
    n,
    weight: Float64Array.from(scenarios, (s) => s.weight),
    isMark: Uint8Array.from(scenarios, (s) => (s.spotShock === 1 && s.vol === 'none' ? 1 : 0)),
    perpPercent: contingency.perpPercent,
    basePercent: contingency.basePercent,
    optionPercent: contingency.optionPercent,
    confidenceThreshold: confidence.threshold,
    confidenceMargin: confidence.margin,
    mmFactor: ctx.params.mmFactor,
    imFactor: ctx.imFactor,
    stablePrice: ctx.stablePrice,
    pnl: new Float64Array(n),
    value: new Float64Array(n),
  };
}

/** An account's holdings: (instrument, quantity, mark constant) sorted as `InstrumentTable.compare`. */
export interface RunLegs {
  readonly inst: Int32Array;
  readonly qty: Float64Array;
  /** Mark-to-market constant of a linear leg: -qty*entry (+ funding), so its mark is qty*price + konst. */
  readonly konst: Float64Array;
}

/** One underlying of an account: legs [lo, hi) of its run and its risk-cancelling collateral. */
export interface Segment {
  readonly u: number;
  readonly lo: number;
  readonly hi: number;
  readonly base: number;
  /** Results of the last aggregation. */
  im: number;
  mm: number;
  mtm: number;
}

/** Per-expiry intermediates of one aggregation, kept for attribution. */
export interface ExpiryTrace {
  readonly expiry: number;
  /** Net option value of the expiry per scenario, before the static discount. */
  readonly scenarioValue: Float64Array;
  /** Basis legs: shocked value less mark (options and futures), before the basis factor. */
  readonly basisUp: number;
  readonly basisDown: number;
}

/** The per-underlying figures of spec section 3, for the output document. */
export interface UnderlyingTrace {
  scenarioPnl: Float64Array;
  basisContingency: number;
  staticContingency: number;
  confidenceContingency: number;
  minSpan: number;
  /** Index of the worst scenario, or -1 when the basis contingency set `minSpan`. */
  worst: number;
  expiries: ExpiryTrace[];
}

/**
 * PMRM v1 margin of one underlying of one account (spec section 3): additions over the risk arrays
 * plus the per-expiry static discount, no pricing. Writes `seg.im`, `seg.mm`, `seg.mtm`; fills `trace`
 * when given. Non-finite inputs propagate as NaN or Infinity to the totals (see `accountSummary`).
 */
export function aggregateSegment(
  k: KernelParams,
  t: InstrumentTable,
  a: RiskArrays,
  run: RunLegs,
  seg: Segment,
  trace?: UnderlyingTrace,
): void {
  const { inst, qty, konst } = run;
  const { n, pnl: scen, value: V, isMark } = k;
  const R = a.stride;
  const arr = a.values;
  const u = seg.u;
  const b = seg.base;
  const hi = seg.hi;
  const S = a.spot[u]!;
  scen.fill(0);
  let mtm = (b * S) / k.stablePrice;
  let qp = 0;
  let linearQty = 0;
  let naked = 0;
  let bc = 0;
  // Sum over expiries of (1 - c_e) * |options in e|, for the expiries below the confidence threshold.
  let optionsByConfidence = 0;
  let i = seg.lo;
  for (; i < hi && t.kind[inst[i]!] === PERP; i++) {
    const q = qty[i]!;
    const o = inst[i]! * R;
    qp += q;
    mtm += q * arr[o + n + 2]! + konst[i]!;
    for (let s = 0; s < n; s++) scen[s]! += q * arr[o + s]!;
  }
  linearQty += Math.abs(qp);
  const cPort = qp !== 0 ? Math.min(a.spotConfidence[u]!, a.perpConfidence[u]!) : a.spotConfidence[u]!;
  while (i < hi) {
    const g = t.group[inst[i]!]!;
    V.fill(0);
    let up = 0;
    let down = 0;
    let mtmE = 0;
    let fq = 0;
    let fu = 0;
    let fd = 0;
    let absOptions = 0;
    let strike = Number.NaN;
    let net = 0;
    for (; i < hi && t.group[inst[i]!] === g; i++) {
      const id = inst[i]!;
      const q = qty[i]!;
      const o = id * R;
      if (t.kind[id] === FUTURE) {
        fq += q;
        mtm += q * arr[o + n + 2]! + konst[i]!;
        fu += q * arr[o + n]!;
        fd += q * arr[o + n + 1]!;
        for (let s = 0; s < n; s++) scen[s]! += q * arr[o + s]!;
        continue;
      }
      for (let s = 0; s < n; s++) V[s]! += q * arr[o + s]!;
      up += q * arr[o + n]!;
      down += q * arr[o + n + 1]!;
      mtmE += q * arr[o + n + 2]!;
      absOptions += Math.abs(q);
      // Calls and puts at one strike are adjacent in a run: net them for the naked shorts.
      if (t.strike[id] !== strike) {
        naked += Math.max(0, -net);
        strike = t.strike[id]!;
        net = 0;
      }
      net += q;
    }
    naked += Math.max(0, -net);
    const D = a.staticDiscount[g]!;
    for (let s = 0; s < n; s++) {
      const v = isMark[s] ? mtmE : V[s]!;
      // Static discount haircuts only a net-long (positive) shocked expiry value.
      scen[s]! += (v > 0 ? v * D : v) - mtmE;
    }
    const basisUp = up - mtmE + fu;
    const basisDown = down - mtmE + fd;
    bc += Math.min(0, basisUp, basisDown) * a.basisFactor[g]!;
    mtm += mtmE;
    linearQty += Math.abs(fq);
    if (absOptions > 0) {
      const ce = Math.min(cPort, a.confidence[g]!);
      if (ce < k.confidenceThreshold) optionsByConfidence += (1 - ce) * absOptions;
    }
    if (trace) {
      const scenarioValue = new Float64Array(n);
      for (let s = 0; s < n; s++) scenarioValue[s] = isMark[s] ? mtmE : V[s]!;
      trace.expiries.push({ expiry: t.groupExpiry[g]!, scenarioValue, basisUp, basisDown });
    }
  }
  // PMRM starts the minimum at the basis contingency and only a strictly lower scenario replaces it.
  let min = bc;
  let worst = -1;
  const move = a.baseMove[u]!;
  for (let s = 0; s < n; s++) {
    const pnl = k.weight[s]! * (scen[s]! + b * move[s]!);
    if (trace) trace.scenarioPnl[s] = pnl;
    if (pnl < min) {
      min = pnl;
      worst = s;
    }
  }
  const sc = S * (linearQty * k.perpPercent + b * k.basePercent) + S * k.optionPercent * naked;
  let cc = optionsByConfidence * k.confidenceMargin * S;
  if (cPort < k.confidenceThreshold) cc += (1 - cPort) * k.confidenceMargin * (linearQty + b) * S;
  const minSpan = min - sc;
  // `+ 0` turns the -0 of a riskless portfolio into 0.
  seg.mm = -k.mmFactor * minSpan + 0;
  seg.im = -k.imFactor * minSpan + cc + 0;
  seg.mtm = mtm;
  if (trace) {
    trace.basisContingency = bc;
    trace.staticContingency = sc;
    trace.confidenceContingency = cc;
    trace.minSpan = minSpan;
    trace.worst = worst;
  }
}

/** An empty trace to pass to `aggregateSegment`. */
export function underlyingTrace(n: number): UnderlyingTrace {
  return {
    scenarioPnl: new Float64Array(n),
    basisContingency: 0,
    staticContingency: 0,
    confidenceContingency: 0,
    minSpan: 0,
    worst: -1,
    expiries: [],
  };
}

/** The collateral terms of an account, in USD before division by the stable price. */
export interface AccountTerms {
  readonly cash: number;
  /** Value of the collateral that does not move with an underlying. */
  readonly otherValue: number;
  readonly haircutMm: number;
  readonly haircutIm: number;
}

/**
 * Whole-account figures (spec section 4) from the aggregated segments (summed in underlying name
 * order) and the collateral terms. Results that overflow the double range (a quantity of 1e308) are
 * refused: Infinity cannot be stored, compared or serialized (JSON has no Infinity).
 */
export function accountSummary(
  k: KernelParams,
  terms: AccountTerms,
  segments: readonly Segment[],
): MarginSummary {
  let mtm = 0;
  let im = 0;
  let mm = 0;
  for (const s of segments) {
    mtm += s.mtm;
    im += s.im;
    mm += s.mm;
  }
  const P = k.stablePrice;
  const equity = terms.cash + mtm + terms.otherValue / P;
  const initialRequirement = im + terms.haircutIm / P;
  const maintenanceRequirement = mm + terms.haircutMm / P;
  if (
    !(
      Number.isFinite(equity) &&
      Number.isFinite(initialRequirement) &&
      Number.isFinite(maintenanceRequirement) &&
      Number.isFinite(mtm)
    )
  ) {
    checkFinite({ equity, initialRequirement, maintenanceRequirement, markToMarket: mtm });
  }
  return {
    equity,
    initialRequirement,
    maintenanceRequirement,
    initialExcess: equity - initialRequirement,
    maintenanceExcess: equity - maintenanceRequirement,
    markToMarket: mtm,
  };
}

function checkFinite(figures: Readonly<Record<string, number>>): void {
  for (const [name, value] of Object.entries(figures)) {
    if (!Number.isFinite(value)) {
      throw new AppError('RISK__INVALID_INPUT', {
        context: { path: `account.${name}`, reason: `overflows the double range (${value})` },
      });
    }
  }
}
