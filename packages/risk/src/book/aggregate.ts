import { AppError } from '@xmargin/errors';
import type { MarginSummary, ModelName, Pmrm1MarketParams, Pmrm2MarketParams } from '../types.js';
import { FUTURE as FUTURE_KIND, type InstrumentTable, PERP as PERP_KIND } from './instrument-table.js';
import type { ModelContext } from './model-context.js';
import type { RiskArrays } from './risk-arrays.js';
import { createRunStore, type RunStore } from './run-store.js';

// Local copies: a transpiled import can be a getter call on every read, and these are read per leg.
const PERP = PERP_KIND;
const FUTURE = FUTURE_KIND;

/**
 * The margin formulas of spec sections 3-4 (PMRM v1) and 9 (PMRM_2), in one place: every path (the
 * book, computeMargin, computeMarginSummary, the isolated mode) of both models aggregates shared risk
 * arrays through these functions. The two models differ only in the per-expiry static discount (one
 * factor on a net-long value vs a factor by sign), the skew scenarios (`-|P&L|`), how risk-cancelling
 * collateral enters (amount at spot vs value at its own price) and the contingencies.
 */

/** The per-market part of the kernel: one underlying's scenario grid and contingency rates. */
export interface MarketKernel {
  readonly n: number;
  readonly weight: Float64Array;
  /** Skew scenarios (pmrm-2 `linear`, `abs`): each expiry counts as `-|P&L|`. */
  readonly isSkew: Uint8Array;
  /** PMRM v1: the static contingency rates. pmrm-2: the MM contingency rates (basePercent 0). */
  readonly perpPercent: number;
  readonly basePercent: number;
  readonly optionPercent: number;
  /** pmrm-2 only: the IM contingency rates. */
  readonly imPerpPercent: number;
  readonly imOptionPercent: number;
}

/** What the aggregation needs of the parameters and the document, resolved once per context. */
export interface KernelParams {
  readonly model: ModelName;
  /** Longest scenario grid of any market (risk array rows have room for it). */
  readonly n: number;
  /** The document-wide market kernel, and those of the underlyings that override it. */
  readonly market: MarketKernel;
  readonly markets: ReadonlyMap<string, MarketKernel>;
  readonly confidenceThreshold: number;
  readonly confidenceMargin: number;
  readonly mmFactor: number;
  /** imFactor raised by the stablecoin depeg add-on. */
  readonly imFactor: number;
  readonly stablePrice: number;
  /** Divides the collateral terms: they are in USD under PMRM v1, in stable units under pmrm-2. */
  readonly termsDivisor: number;
  /** Scratch rows (scenario P&L, expiry value), reused by every call. */
  readonly pnl: Float64Array;
  readonly value: Float64Array;
}

type AnyMarketParams = Pmrm1MarketParams | Pmrm2MarketParams;

function marketKernel(p: AnyMarketParams): MarketKernel {
  const { scenarios, contingency: c } = p;
  const v1 = 'basePercent' in c;
  return {
    n: scenarios.length,
    weight: Float64Array.from(scenarios, (s) => s.weight),
    isSkew: Uint8Array.from(scenarios, (s) => (s.vol === 'linear' || s.vol === 'abs' ? 1 : 0)),
    perpPercent: v1 ? c.perpPercent : c.mm.perpPercent,
    basePercent: v1 ? c.basePercent : 0,
    optionPercent: v1 ? c.optionPercent : c.mm.optionPercent,
    imPerpPercent: v1 ? 0 : c.im.perpPercent,
    imOptionPercent: v1 ? 0 : c.im.optionPercent,
  };
}

// One per parameter set (and stable price): their scratch rows are reused by every aggregation, which
// never re-enters itself.
const kernelCache = new WeakMap<object, KernelParams>();

export function kernelParams(ctx: ModelContext): KernelParams {
  const hit = kernelCache.get(ctx.params);
  if (hit && hit.stablePrice === ctx.stablePrice && hit.imFactor === ctx.imFactor) return hit;
  const k = buildKernelParams(ctx);
  kernelCache.set(ctx.params, k);
  return k;
}

function buildKernelParams(ctx: ModelContext): KernelParams {
  const { confidence } = ctx.params;
  const markets = new Map<string, MarketKernel>();
  const market = marketKernel(ctx.params);
  let n = market.n;
  for (const [u, p] of Object.entries<AnyMarketParams>(ctx.params.underlyings)) {
    const k = marketKernel(p);
    markets.set(u, k);
    n = Math.max(n, k.n);
  }
  return {
    model: ctx.params.model,
    n,
    market,
    markets,
    confidenceThreshold: confidence.threshold,
    confidenceMargin: confidence.margin,
    mmFactor: ctx.params.mmFactor,
    imFactor: ctx.imFactor,
    stablePrice: ctx.stablePrice,
    termsDivisor: ctx.params.model === 'pmrm-2' ? 1 : ctx.stablePrice,
    pnl: new Float64Array(n),
    value: new Float64Array(n),
  };
}

/** The market kernel of underlying `name`. */
export function marketKernelOf(k: KernelParams, name: string): MarketKernel {
  return k.markets.get(name) ?? k.market;
}

/** Per-expiry intermediates of one aggregation, kept for attribution. */
export interface ExpiryTrace {
  readonly expiry: number;
  /** Net option value of the expiry per scenario, before the static discount. */
  readonly scenarioValue: Float64Array;
  /** Net option mark of the expiry. */
  readonly markToMarket: number;
  /** Basis legs: shocked value less mark (options and futures), before the basis factor. */
  readonly basisUp: number;
  readonly basisDown: number;
}

/** The per-underlying figures of spec section 3 (or 9), for the output document. */
export interface UnderlyingTrace {
  scenarioPnl: Float64Array;
  basisContingency: number;
  /** PMRM v1: the static contingency SC. pmrm-2: MMCont. */
  staticContingency: number;
  /** PMRM v1: the confidence contingency. pmrm-2: IMCont. */
  confidenceContingency: number;
  minSpan: number;
  /** Index of the worst scenario, or -1 when the basis contingency set `minSpan`. */
  worst: number;
  expiries: ExpiryTrace[];
}

/**
 * Margin of one underlying of one account (spec section 3, or 9 under pmrm-2): additions over the
 * risk arrays plus the per-expiry static discount, no pricing. Aggregates segment `j` of `s` and
 * writes its `segIm`, `segMm`, `segMtm`; fills `trace` when given. Non-finite inputs propagate as NaN
 * or Infinity to the totals (see `accountSummary`).
 */
export function aggregateSegment(
  k: KernelParams,
  t: InstrumentTable,
  a: RiskArrays,
  s: RunStore,
  j: number,
  trace?: UnderlyingTrace,
): void {
  const { inst, qty } = s;
  const { pnl: scen, value: V } = k;
  const u = s.segU[j]!;
  const mk = a.kernel[u] ?? marketKernelOf(k, t.underlyings[u]!);
  const { n, isSkew } = mk;
  const pmrm2 = k.model === 'pmrm-2';
  const R = a.stride;
  const arr = a.values;
  const { kind, group, strike: strikeOf } = t;
  const b = s.segBase[j]!;
  const hi = s.segHi[j]!;
  const S = a.spot[u]!;
  scen.fill(0, 0, n);
  let mtm = pmrm2 ? b : (b * S) / k.stablePrice;
  let qp = 0;
  let linearQty = 0;
  let naked = 0;
  let bc = 0;
  // Sum over expiries of (1 - c_e) * |options in e|, for the expiries below the confidence threshold.
  let optionsByConfidence = 0;
  let i = s.segLo[j]!;
  for (; i < hi && kind[inst[i]!] === PERP; i++) {
    const q = qty[i]!;
    const o = inst[i]! * R;
    qp += q;
    mtm += q * arr[o + n + 2]!;
    for (let s = 0; s < n; s++) scen[s]! += q * arr[o + s]!;
  }
  linearQty += Math.abs(qp);
  const cPort = qp !== 0 ? Math.min(a.spotConfidence[u]!, a.perpConfidence[u]!) : a.spotConfidence[u]!;
  while (i < hi) {
    const g = group[inst[i]!]!;
    // V holds the expiry's option value per scenario once an option leg has been seen (no fill pass:
    // most expiries of an account hold one option).
    let options = false;
    let up = 0;
    let down = 0;
    let mtmE = 0;
    let fq = 0;
    let fu = 0;
    let fd = 0;
    let absOptions = 0;
    let strike = Number.NaN;
    let net = 0;
    for (; i < hi && group[inst[i]!] === g; i++) {
      const id = inst[i]!;
      const q = qty[i]!;
      const o = id * R;
      if (kind[id] === FUTURE) {
        fq += q;
        mtm += q * arr[o + n + 2]!;
        fu += q * arr[o + n]!;
        fd += q * arr[o + n + 1]!;
        for (let s = 0; s < n; s++) scen[s]! += q * arr[o + s]!;
        continue;
      }
      if (options) for (let s = 0; s < n; s++) V[s]! += q * arr[o + s]!;
      else for (let s = 0; s < n; s++) V[s] = q * arr[o + s]!;
      options = true;
      up += q * arr[o + n]!;
      down += q * arr[o + n + 1]!;
      mtmE += q * arr[o + n + 2]!;
      absOptions += Math.abs(q);
      // Calls and puts at one strike are adjacent in a run: net them for the naked shorts.
      if (strikeOf[id] !== strike) {
        naked += Math.max(0, -net);
        strike = strikeOf[id]!;
        net = 0;
      }
      net += q;
    }
    naked += Math.max(0, -net);
    // PMRM v1 haircuts only a net-long (positive) shocked expiry value (short factor 1); pmrm-2
    // discounts by sign. A zero value is zero either way.
    // An expiry without options (futures only) adds nothing here: its value is 0 in every scenario.
    if (options) {
      const L = a.staticDiscount[g]!;
      const H = a.shortDiscount[g]!;
      for (let s = 0; s < n; s++) {
        // A (1, none) scenario's risk array entry is the mark itself, so V[s] is the expiry mark there.
        const v = V[s]!;
        const change = (v >= 0 ? v * L : v * H) - mtmE;
        // A skew scenario counts only as a loss: Derive takes -|P&L| of each expiry.
        scen[s]! += isSkew[s] ? -Math.abs(change) : change;
      }
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
      const scenarioValue = options ? V.slice(0, n) : new Float64Array(n);
      trace.expiries.push({
        expiry: t.groupExpiry[g]!,
        scenarioValue,
        markToMarket: mtmE,
        basisUp,
        basisDown,
      });
    }
  }
  // The minimum starts at the basis contingency and only a strictly lower scenario replaces it: ties
  // go to basis, then to the earlier scenario.
  let min = bc;
  let worst = -1;
  const move = a.baseMove[u]!;
  const weight = mk.weight;
  for (let s = 0; s < n; s++) {
    const pnl = weight[s]! * (scen[s]! + b * move[s]!);
    scen[s] = pnl;
    if (pnl < min) {
      min = pnl;
      worst = s;
    }
  }
  let mmCont: number;
  let imCont: number;
  let minSpan: number;
  if (pmrm2) {
    // Section 9.4: the contingencies add to the requirement outside the scenario minimum.
    mmCont = linearQty * S * mk.perpPercent + naked * S * mk.optionPercent;
    imCont = linearQty * S * mk.imPerpPercent + naked * S * mk.imOptionPercent;
    imCont += optionsByConfidence * k.confidenceMargin * S;
    if (cPort < k.confidenceThreshold) imCont += (1 - cPort) * k.confidenceMargin * linearQty * S;
    minSpan = min;
    s.segMm[j] = -k.mmFactor * minSpan + mmCont + 0;
    s.segIm[j] = -k.imFactor * minSpan + mmCont + imCont + 0;
  } else {
    mmCont = S * (linearQty * mk.perpPercent + b * mk.basePercent) + S * mk.optionPercent * naked;
    imCont = optionsByConfidence * k.confidenceMargin * S;
    if (cPort < k.confidenceThreshold) imCont += (1 - cPort) * k.confidenceMargin * (linearQty + b) * S;
    minSpan = min - mmCont;
    // `+ 0` turns the -0 of a riskless portfolio into 0.
    s.segMm[j] = -k.mmFactor * minSpan + 0;
    s.segIm[j] = -k.imFactor * minSpan + imCont + 0;
  }
  // The linear legs' mark constants, summed once for the segment (markSegment adds them the same way).
  s.segMtm[j] = mtm + s.segKonst[j]!;
  if (trace) {
    trace.scenarioPnl.set(scen.subarray(0, n));
    trace.basisContingency = bc;
    trace.staticContingency = mmCont;
    trace.confidenceContingency = imCont;
    trace.minSpan = minSpan;
    trace.worst = worst;
  }
}

/**
 * The mark-to-market of segment `j` alone (`segMtm`), summed in the order of `aggregateSegment`: for
 * the modes that need an account's marks but not its scenarios (`cross`, `isolated`).
 */
export function markSegment(
  k: KernelParams,
  t: InstrumentTable,
  a: RiskArrays,
  s: RunStore,
  j: number,
): void {
  const { inst, qty } = s;
  const u = s.segU[j]!;
  const mark = a.mark;
  const { kind, group } = t;
  const b = s.segBase[j]!;
  const hi = s.segHi[j]!;
  let mtm = k.model === 'pmrm-2' ? b : (b * a.spot[u]!) / k.stablePrice;
  let i = s.segLo[j]!;
  for (; i < hi && kind[inst[i]!] === PERP; i++) mtm += qty[i]! * mark[inst[i]!]!;
  while (i < hi) {
    const g = group[inst[i]!]!;
    let mtmE = 0;
    for (; i < hi && group[inst[i]!] === g; i++) {
      const id = inst[i]!;
      if (kind[id] === FUTURE) mtm += qty[i]! * mark[id]!;
      else mtmE += qty[i]! * mark[id]!;
    }
    mtm += mtmE;
  }
  s.segMtm[j] = mtm + s.segKonst[j]!;
}

/** A requirement pair, written by `aggregateAlone`. */
export interface Requirement {
  im: number;
  mm: number;
}

// One leg and one segment: the portfolio of one position (or of one underlying's base) that the
// isolated mode margins. The kernel never re-enters itself, so one scratch store serves every call.
const alone = createRunStore(1, 1);

/**
 * The requirement of a portfolio holding only `q` of instrument `id` (nothing when `id` < 0) and
 * `base` of underlying `u`'s risk-cancelling collateral, through `aggregateSegment`: the isolated
 * mode's building block (each position, and each underlying's base, on its own). Written into `out`.
 */
export function aggregateAlone(
  k: KernelParams,
  t: InstrumentTable,
  a: RiskArrays,
  u: number,
  id: number,
  q: number,
  base: number,
  out: Requirement,
): void {
  alone.inst[0] = id;
  alone.qty[0] = q;
  alone.segKonst[0] = 0;
  alone.segU[0] = u;
  alone.segLo[0] = 0;
  alone.segHi[0] = id < 0 ? 0 : 1;
  alone.segBase[0] = base;
  aggregateSegment(k, t, a, alone, 0);
  out.im = alone.segIm[0]!;
  out.mm = alone.segMm[0]!;
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

/**
 * The collateral terms of an account: in USD before division by the stable price under PMRM v1; in
 * stable units under pmrm-2, where the haircuts include the collateral confidence charge.
 */
export interface AccountTerms {
  readonly cash: number;
  /** Value of the collateral that does not move with an underlying. */
  readonly otherValue: number;
  readonly haircutMm: number;
  readonly haircutIm: number;
}

/** Whole-account totals; the excesses follow as equity less each requirement. */
export interface AccountTotals {
  equity: number;
  initialRequirement: number;
  maintenanceRequirement: number;
  markToMarket: number;
}

/**
 * Totals an account keeps and every recompute writes in place (a resident book's). A class of its own
 * whose fields hold a fraction (NaN) first, so that V8 keeps them as doubles, written in place. A
 * `{ equity, ... }` literal shares its hidden class with every literal of the same keys in the
 * process, and once one of them held an integer first (`0`) and a fraction later, that field holds
 * boxed numbers: each write then allocates one. With totals that live in the old generation, that
 * was four numbers per account per market move, all promoted before the next move replaced them.
 */
export class HeldTotals implements AccountTotals {
  equity = Number.NaN;
  initialRequirement = Number.NaN;
  maintenanceRequirement = Number.NaN;
  markToMarket = Number.NaN;
}

/**
 * Whole-account totals (spec section 4) from the aggregated segments [segLo, segHi) of `s` (one per
 * underlying, in underlying name order) and the collateral terms, written into `out`. Returns false
 * when one is not finite.
 */
export function accountTotals(
  k: KernelParams,
  terms: AccountTerms,
  s: RunStore,
  segLo: number,
  segHi: number,
  out: AccountTotals,
): boolean {
  let mtm = 0;
  let im = 0;
  let mm = 0;
  for (let j = segLo; j < segHi; j++) {
    mtm += s.segMtm[j]!;
    im += s.segIm[j]!;
    mm += s.segMm[j]!;
  }
  const P = k.termsDivisor;
  const equity = terms.cash + mtm + terms.otherValue / P;
  out.equity = equity;
  out.initialRequirement = im + terms.haircutIm / P;
  out.maintenanceRequirement = mm + terms.haircutMm / P;
  out.markToMarket = mtm;
  return (
    Number.isFinite(equity) &&
    Number.isFinite(out.initialRequirement) &&
    Number.isFinite(out.maintenanceRequirement) &&
    Number.isFinite(mtm)
  );
}

/** The headline figures of finite totals. */
export function summaryOf(t: AccountTotals): MarginSummary {
  return {
    equity: t.equity,
    initialRequirement: t.initialRequirement,
    maintenanceRequirement: t.maintenanceRequirement,
    initialExcess: t.equity - t.initialRequirement,
    maintenanceExcess: t.equity - t.maintenanceRequirement,
    markToMarket: t.markToMarket,
  };
}

/**
 * Totals that overflow the double range (a quantity of 1e308) are refused: Infinity cannot be
 * stored, compared or serialized (JSON has no Infinity). The error names the first such figure.
 */
export function overflowError(t: AccountTotals): AppError<'RISK__INVALID_INPUT'> {
  for (const [name, value] of Object.entries(t)) {
    if (!Number.isFinite(value)) {
      return new AppError('RISK__INVALID_INPUT', {
        context: { path: `$.account.${name}`, reason: `overflows the double range (${value})` },
      });
    }
  }
  throw new Error('overflowError called on finite totals');
}

/** Whole-account figures (spec section 4); throws RISK__INVALID_INPUT when they overflow. */
export function accountSummary(
  k: KernelParams,
  terms: AccountTerms,
  s: RunStore,
  segLo: number,
  segHi: number,
): MarginSummary {
  const t: AccountTotals = { equity: 0, initialRequirement: 0, maintenanceRequirement: 0, markToMarket: 0 };
  if (!accountTotals(k, terms, s, segLo, segHi, t)) throw overflowError(t);
  return summaryOf(t);
}
