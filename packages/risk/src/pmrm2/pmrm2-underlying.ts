import { AppError } from '@xmargin/errors';
import { black76 } from '../pricing/black76.js';
import type { ScenarioVol } from '../types.js';
import { confidenceCharge } from './pmrm2-collateral.js';
import type { Pmrm2Context, Pmrm2Expiry } from './pmrm2-context.js';
import { shockedForward } from './pmrm2-context.js';
import type { Pmrm2ExpiryHolding, Pmrm2Holding, Pmrm2Option } from './pmrm2-holdings.js';

/**
 * Skew vol of one strike (section 9.3): a multiplier growing linearly in log-moneyness on the
 * unshocked forward up to `cap` at `kStar`. `abs` uses |log-moneyness|.
 */
export function skewVol(e: Pmrm2Expiry, kind: 'linear' | 'abs', strike: number, vol: number): number {
  // A zero strike prices at the (discounted) forward whatever its vol.
  if (strike <= 0) return vol;
  const shape = e.skew![kind];
  if (!(shape.kStar > 0)) {
    throw new AppError('RISK__INVALID_INPUT', {
      context: { path: 'params.skew', reason: `kStar ${shape.kStar} at expiry ${e.expiry} must be > 0` },
    });
  }
  let kap = Math.log(strike / e.forward);
  if (kind === 'abs') kap = Math.abs(kap);
  const slope = (kap * shape.cap) / shape.kStar;
  const mult = kap >= 0 ? 1 + Math.min(shape.cap, slope) : 1 + Math.max(-shape.cap, slope);
  return vol * Math.max(mult, 0);
}

/** The vol of an option in a scenario: shocked up (floored at minVolUp), down, unshocked or skewed. */
export function scenarioVol(
  e: Pmrm2Expiry,
  o: Pick<Pmrm2Option, 'strike' | 'vol'>,
  vol: ScenarioVol,
  minVolUp: number,
): number {
  switch (vol) {
    case 'up':
      return Math.max(minVolUp, o.vol * e.volUp);
    case 'down':
      return o.vol * e.volDown;
    case 'none':
      return o.vol;
    default:
      return skewVol(e, vol, o.strike, o.vol);
  }
}

/** Discounted unit value of one option at spot shock k and vol `vol`. */
export function pmrm2OptionValue(
  e: Pmrm2Expiry,
  o: Pick<Pmrm2Option, 'strike' | 'right'>,
  k: number,
  vol: number,
): number {
  const p = black76({
    forward: shockedForward(e, k),
    strike: o.strike,
    time: e.time,
    vol,
    discount: e.discount,
  });
  return o.right === 'call' ? p.call : p.put;
}

/** `disc_e` of section 9.3: the static discount by sign of the shocked expiry value. */
export function staticDiscount(e: Pmrm2Expiry, x: number): number {
  return x >= 0 ? x * e.longDiscount : x * e.shortDiscount;
}

/**
 * One option's risk array: its unit value in every scenario (0..n-1), the basis up (n) and down
 * (n+1) legs, and its mark (n+2). The (1, none) scenario reuses the mark.
 */
export function pmrm2RiskArray(
  e: Pmrm2Expiry,
  o: Pick<Pmrm2Option, 'strike' | 'right' | 'vol'>,
  scenarios: Pmrm2Holding['market']['params']['scenarios'],
  basis: Pmrm2Holding['market']['params']['basis'],
  minVolUp: number,
): Float64Array {
  const n = scenarios.length;
  if (Number.isNaN(e.volUp)) {
    throw new AppError('RISK__INVALID_INPUT', {
      context: { path: `${e.path}.expiry`, reason: 'expiry at asOf needs volShock.dteFloorSeconds > 0' },
    });
  }
  const u = new Float64Array(n + 3);
  const mark = pmrm2OptionValue(e, o, 1, o.vol);
  for (let s = 0; s < n; s++) {
    const sc = scenarios[s]!;
    u[s] =
      sc.spotShock === 1 && sc.vol === 'none'
        ? mark
        : pmrm2OptionValue(e, o, sc.spotShock, scenarioVol(e, o, sc.vol, minVolUp));
  }
  u[n] = pmrm2OptionValue(e, o, basis.spotUp, o.vol);
  u[n + 1] = pmrm2OptionValue(e, o, basis.spotDown, o.vol);
  u[n + 2] = mark;
  return u;
}

/** Per-expiry intermediate values, kept for attribution. */
export interface Pmrm2ExpiryEvaluation {
  readonly unit: Float64Array[];
  readonly markToMarket: number;
  /** Net expiry option value per scenario, before the static discount. */
  readonly scenarioValue: Float64Array;
  readonly futuresQuantity: number;
  readonly basisUp: number;
  readonly basisDown: number;
  readonly basisContingency: number;
}

/** The pmrm-2 result of one underlying (section 9.4). */
export interface Pmrm2UnderlyingMargin {
  readonly scenarioPnl: Float64Array;
  readonly basisContingency: number;
  readonly mmContingency: number;
  readonly imContingency: number;
  readonly markToMarket: number;
  readonly minSpan: number;
  /** Index of the worst scenario, or -1 when the basis contingency set `minSpan`. */
  readonly worst: number;
  readonly maintenanceRequirement: number;
  readonly initialRequirement: number;
  readonly expiries: readonly Pmrm2ExpiryEvaluation[];
}

function evaluateExpiry(h: Pmrm2Holding, x: Pmrm2ExpiryHolding, pnl: Float64Array) {
  const { scenarios, basis, volShock } = h.market.params;
  const n = scenarios.length;
  const e = x.expiry;
  const unit: Float64Array[] = [];
  let mtm = 0;
  for (const o of x.options) {
    const u = pmrm2RiskArray(e, o, scenarios, basis, volShock.minVolUp);
    unit.push(u);
    mtm += o.quantity * u[n + 2]!;
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
    const change = sc.weight * (staticDiscount(e, v) - mtm);
    // A skew scenario counts only as a loss: Derive takes -|P&L| of each expiry.
    pnl[s]! += sc.vol === 'linear' || sc.vol === 'abs' ? -Math.abs(change) : change;
    pnl[s]! += sc.weight * qf * (shockedForward(e, sc.spotShock) - e.forward);
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
  } satisfies Pmrm2ExpiryEvaluation;
}

/** Sum of max(0, -net) over strikes, calls and puts at one strike netting (naked shorts). */
function nakedShorts(options: readonly Pmrm2Option[]): number {
  const net = new Map<number, number>();
  for (const o of options) net.set(o.strike, (net.get(o.strike) ?? 0) + o.quantity);
  let sum = 0;
  for (const q of net.values()) sum += Math.max(0, -q);
  return sum;
}

/** Sum over option instruments (strike, right) of |net quantity|. */
function absOptions(options: readonly Pmrm2Option[]): number {
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
 * pmrm-2 margin of one underlying (section 9.4) by full revaluation of every option in every
 * scenario: the reference path.
 */
export function marginPmrm2Underlying(ctx: Pmrm2Context, h: Pmrm2Holding): Pmrm2UnderlyingMargin {
  const { scenarios, contingency } = h.market.params;
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
  const baseValue = h.baseValue;
  let mtm = baseValue + perpValue;
  const pnl = new Float64Array(n);
  const expiries: Pmrm2ExpiryEvaluation[] = [];
  let bc = 0;
  let linearQty = Math.abs(qp);
  let naked = 0;
  for (const x of h.expiries) {
    const ev = evaluateExpiry(h, x, pnl);
    expiries.push(ev);
    bc += ev.basisContingency;
    let futValue = 0;
    for (const f of x.futures) futValue += f.quantity * (x.expiry.forward - f.entryPrice);
    mtm += ev.markToMarket + futValue;
    linearQty += Math.abs(ev.futuresQuantity);
    naked += nakedShorts(x.options);
  }
  for (let s = 0; s < n; s++) {
    const sc = scenarios[s]!;
    pnl[s]! += sc.weight * (sc.spotShock - 1) * (qp * Fp + baseValue);
  }
  const mmCont = linearQty * S * contingency.mm.perpPercent + naked * S * contingency.mm.optionPercent;
  const cPort = Math.min(m.spotConfidence, qp !== 0 ? m.perpConfidence : 1);
  let imCont =
    linearQty * S * contingency.im.perpPercent +
    naked * S * contingency.im.optionPercent +
    confidenceCharge(ctx, cPort, linearQty * S);
  for (const x of h.expiries) {
    if (x.options.length === 0) continue;
    imCont += confidenceCharge(ctx, Math.min(cPort, x.expiry.confidence), absOptions(x.options) * S);
  }
  // The minimum starts at the basis contingency: ties go to basis, then to the earlier scenario.
  let min = bc;
  let worst = -1;
  for (let s = 0; s < n; s++) {
    if (pnl[s]! < min) {
      min = pnl[s]!;
      worst = s;
    }
  }
  return {
    scenarioPnl: pnl,
    basisContingency: bc,
    mmContingency: mmCont,
    imContingency: imCont,
    markToMarket: mtm,
    minSpan: min,
    worst,
    // `+ 0` turns the -0 of a riskless portfolio into 0.
    maintenanceRequirement: -ctx.params.mmFactor * min + mmCont + 0,
    initialRequirement: -ctx.imFactor * min + mmCont + imCont + 0,
    expiries,
  };
}
