import { shockedForward } from '../model/context.js';
import type { MarginDocument, MarginSummary } from '../types.js';
import {
  collateralCharges,
  confidenceCharge,
  type Pmrm2ResolvedCollateral,
  resolvePmrm2Collateral,
} from './pmrm2-collateral.js';
import { createPmrm2Context, type Pmrm2Context } from './pmrm2-context.js';
import {
  addPmrm2Position,
  type Pmrm2ExpiryHolding,
  type Pmrm2Holding,
  type Pmrm2Option,
  pmrm2HoldingOf,
} from './pmrm2-holdings.js';
import { pmrm2RiskArray, staticDiscount } from './pmrm2-pricing.js';

// The pmrm-2 formula of spec section 9.4 written out a second time, per holding and by direct
// revaluation of every option in every scenario, independent of the aggregation kernel
// (`book/aggregate.ts`): the reference the kernel and the book are held to by property tests, as the
// published cases hold both to Derive.

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
export function referencePmrm2Underlying(ctx: Pmrm2Context, h: Pmrm2Holding): Pmrm2UnderlyingMargin {
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

/** Positions and risk-cancelling collateral per underlying, sorted by name. */
function holdingsOf(
  ctx: Pmrm2Context,
  doc: Pick<MarginDocument, 'account'>,
  col: Pmrm2ResolvedCollateral,
): [string, Pmrm2Holding][] {
  const byUnderlying = new Map<string, Pmrm2Holding>();
  (doc.account.positions ?? []).forEach((p, i) => {
    addPmrm2Position(ctx, byUnderlying, p, i);
  });
  for (const c of col.assets) {
    if (c.underlying !== undefined) pmrm2HoldingOf(ctx, byUnderlying, c.underlying, -1).baseValue += c.value;
  }
  return [...byUnderlying.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Headline figures of a pmrm-2 document by the reference path (no finite check). */
export function referenceMarginSummaryPmrm2(doc: MarginDocument): MarginSummary {
  const ctx = createPmrm2Context(doc);
  const col = resolvePmrm2Collateral(ctx, doc.account.collateral ?? []);
  let mtm = 0;
  let im = 0;
  let mm = 0;
  for (const [, h] of holdingsOf(ctx, doc, col)) {
    const um = referencePmrm2Underlying(ctx, h);
    mtm += um.markToMarket;
    im += um.initialRequirement;
    mm += um.maintenanceRequirement;
  }
  const charges = collateralCharges(ctx, col);
  let other = 0;
  for (const c of col.assets) if (c.underlying === undefined) other += c.value;
  const equity = (doc.account.cash ?? 0) + mtm + other;
  const initialRequirement = im + charges.im;
  const maintenanceRequirement = mm + charges.mm;
  return {
    equity,
    initialRequirement,
    maintenanceRequirement,
    initialExcess: equity - initialRequirement,
    maintenanceExcess: equity - maintenanceRequirement,
    markToMarket: mtm,
  };
}
