import { black76 } from '../pricing/black76.js';
import type { ExpiryContext, MarginContext } from './context.js';
import { shockedForward, volMultiplier } from './context.js';
import type { ExpiryHolding, OptionHolding, UnderlyingHolding } from './holdings.js';

/** Unit value of one option at a spot shock and vol multiplier. */
export function optionValue(
  ctx: MarginContext,
  e: ExpiryContext,
  o: Pick<OptionHolding, 'strike' | 'right' | 'vol'>,
  k: number,
  volMult: number,
  up: boolean,
): number {
  let vol = o.vol * volMult;
  // Optional floor on the up-shocked vol so near-zero vols still get stressed.
  if (up && ctx.params.volShock.minVolUp > 0) vol = Math.max(vol, ctx.params.volShock.minVolUp);
  const p = black76({
    forward: shockedForward(e, k),
    strike: o.strike,
    time: e.time,
    vol,
    discount: e.valueDiscount,
  });
  return o.right === 'call' ? p.call : p.put;
}

/** Per-expiry intermediate values, kept for attribution. */
export interface ExpiryEvaluation {
  /** Unit values per option: scenarios 0..n-1, then basis up (n), basis down (n+1), then mark (n+2). */
  readonly unit: Float64Array[];
  readonly markToMarket: number;
  /** Net expiry option value per scenario (before the static discount). */
  readonly scenarioValue: Float64Array;
  readonly futuresQuantity: number;
  readonly basisUp: number;
  readonly basisDown: number;
  readonly basisContingency: number;
}

/** The PMRM v1 result of one underlying (spec section 3). */
export interface UnderlyingMargin {
  readonly scenarioPnl: Float64Array;
  readonly basisContingency: number;
  readonly staticContingency: number;
  readonly confidenceContingency: number;
  readonly markToMarket: number;
  readonly baseValue: number;
  readonly minSpan: number;
  /** Index of the worst scenario, or -1 when the basis contingency set `minSpan`. */
  readonly worst: number;
  readonly maintenanceRequirement: number;
  readonly initialRequirement: number;
  readonly expiries: readonly ExpiryEvaluation[];
}

function evaluateExpiry(ctx: MarginContext, x: ExpiryHolding, pnl: Float64Array): ExpiryEvaluation {
  const { scenarios, basis } = ctx.params;
  const n = scenarios.length;
  const e = x.expiry;
  const unit: Float64Array[] = [];
  let mtm = 0;
  for (const o of x.options) {
    const u = new Float64Array(n + 3);
    const mark = optionValue(ctx, e, o, 1, 1, false);
    for (let s = 0; s < n; s++) {
      const sc = scenarios[s]!;
      // PMRM reuses the expiry mark for the (1, none) scenario instead of repricing it.
      u[s] =
        sc.spotShock === 1 && sc.vol === 'none'
          ? mark
          : optionValue(ctx, e, o, sc.spotShock, volMultiplier(e, sc.vol), sc.vol === 'up');
    }
    u[n] = optionValue(ctx, e, o, basis.spotUp, 1, false);
    u[n + 1] = optionValue(ctx, e, o, basis.spotDown, 1, false);
    u[n + 2] = mark;
    unit.push(u);
    mtm += o.quantity * mark;
  }
  let qf = 0;
  for (const f of x.futures) qf += f.quantity;
  const scenarioValue = new Float64Array(n);
  for (let s = 0; s < n; s++) {
    const sc = scenarios[s]!;
    let v = 0;
    if (sc.spotShock === 1 && sc.vol === 'none') v = mtm;
    else for (let i = 0; i < unit.length; i++) v += x.options[i]!.quantity * unit[i]![s]!;
    scenarioValue[s] = v;
    // Static discount haircuts only a net-long (positive) shocked expiry value.
    const disc = v > 0 ? v * e.staticDiscount : v;
    pnl[s]! += disc - mtm + qf * (shockedForward(e, sc.spotShock) - e.forward);
  }
  let up = 0;
  let down = 0;
  for (let i = 0; i < unit.length; i++) {
    up += x.options[i]!.quantity * unit[i]![n]!;
    down += x.options[i]!.quantity * unit[i]![n + 1]!;
  }
  const basisUp = up - mtm + qf * (shockedForward(e, basis.spotUp) - e.forward);
  const basisDown = down - mtm + qf * (shockedForward(e, basis.spotDown) - e.forward);
  return {
    unit,
    markToMarket: mtm,
    scenarioValue,
    futuresQuantity: qf,
    basisUp,
    basisDown,
    basisContingency: Math.min(0, basisUp, basisDown) * e.basisFactor,
  };
}

/** Sum of max(0, -net) over strikes, calls and puts at one strike netting (PMRM naked shorts). */
function nakedShorts(options: readonly OptionHolding[]): number {
  const net = new Map<number, number>();
  for (const o of options) net.set(o.strike, (net.get(o.strike) ?? 0) + o.quantity);
  let sum = 0;
  for (const q of net.values()) sum += Math.max(0, -q);
  return sum;
}

/** Sum over option instruments (strike, right) of |net quantity|. */
function absOptions(options: readonly OptionHolding[]): number {
  const net = new Map<string, number>();
  for (const o of options) {
    const key = `${o.right}:${o.strike}`;
    net.set(key, (net.get(key) ?? 0) + o.quantity);
  }
  let sum = 0;
  for (const q of net.values()) sum += Math.abs(q);
  return sum;
}

/**
 * PMRM v1 margin of one underlying (spec section 3), by full revaluation of every option in every
 * scenario. This is the reference ("naive") path; the book fast path must agree with it.
 */
export function marginUnderlying(ctx: MarginContext, h: UnderlyingHolding): UnderlyingMargin {
  const { params, stablePrice: P } = ctx;
  const { scenarios, contingency, confidence } = params;
  const m = h.market;
  const S = m.spot;
  const n = scenarios.length;
  const Fp = m.perpPrice ?? 0;
  let qp = 0;
  let perpValue = 0;
  for (const p of h.perps) {
    qp += p.quantity;
    perpValue += p.quantity * (Fp - p.entryPrice) + p.funding;
  }
  const b = h.base;
  const baseValue = (b * S) / P;
  let mtm = baseValue + perpValue;
  const pnl = new Float64Array(n);
  const expiries: ExpiryEvaluation[] = [];
  let bc = 0;
  let linearQty = Math.abs(qp);
  let optionShorts = 0;
  for (const x of h.expiries) {
    const ev = evaluateExpiry(ctx, x, pnl);
    expiries.push(ev);
    bc += ev.basisContingency;
    let futValue = 0;
    for (const f of x.futures) futValue += f.quantity * (x.expiry.forward - f.entryPrice);
    mtm += ev.markToMarket + futValue;
    // Dated futures (our extension) count with the perps in the static and confidence contingencies.
    linearQty += Math.abs(ev.futuresQuantity);
    optionShorts += nakedShorts(x.options);
  }
  for (let s = 0; s < n; s++) {
    const sc = scenarios[s]!;
    const k = sc.spotShock;
    pnl[s] = sc.weight * (pnl[s]! + ((b * S * k) / P - baseValue) + qp * (k - 1) * Fp);
  }
  const sc =
    S * (linearQty * contingency.perpPercent + b * contingency.basePercent) +
    S * contingency.optionPercent * optionShorts;

  // Confidence contingency (IM only): the portfolio's own confidence, then each expiry's.
  const cPort = Math.min(m.spotConfidence, qp !== 0 ? m.perpConfidence : 1);
  let cc = 0;
  if (cPort < confidence.threshold) cc += (1 - cPort) * confidence.margin * (linearQty + b) * S;
  for (const x of h.expiries) {
    if (x.options.length === 0) continue;
    const ce = Math.min(cPort, x.expiry.confidence);
    if (ce < confidence.threshold) cc += (1 - ce) * confidence.margin * absOptions(x.options) * S;
  }

  // PMRM starts the minimum at the basis contingency and only a strictly lower scenario replaces it.
  let min = bc;
  let worst = -1;
  for (let s = 0; s < n; s++) {
    if (pnl[s]! < min) {
      min = pnl[s]!;
      worst = s;
    }
  }
  const minSpan = min - sc;
  return {
    scenarioPnl: pnl,
    basisContingency: bc,
    staticContingency: sc,
    confidenceContingency: cc,
    markToMarket: mtm,
    baseValue,
    minSpan,
    worst,
    // `+ 0` turns the -0 of a riskless portfolio into 0.
    maintenanceRequirement: -params.mmFactor * minSpan + 0,
    initialRequirement: -ctx.imFactor * minSpan + cc + 0,
    expiries,
  };
}
