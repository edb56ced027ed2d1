import { AppError } from '@xmargin/errors';
import { resolveCollateral } from '../model/collateral.js';
import { createContext, type MarginContext, shockedForward, volMultiplier } from '../model/context.js';
import { volFor } from '../model/holdings.js';
import { collateralHaircuts } from '../model/modes.js';
import { optionValue } from '../model/underlying.js';
import type { Account, MarginDocument, Market, Position } from '../types.js';

/** Market data and parameters shared by every account of a book. */
export type BookMarket = Pick<MarginDocument, 'asOf' | 'params' | 'stable' | 'prices' | 'markets'>;

/** Headline figures of every account of a book, indexed like the accounts given to the book. */
export interface BookResult {
  readonly equity: Float64Array;
  readonly initialRequirement: Float64Array;
  readonly maintenanceRequirement: Float64Array;
  readonly initialExcess: Float64Array;
  readonly maintenanceExcess: Float64Array;
  readonly markToMarket: Float64Array;
}

/** A book of accounts margined together over shared instrument risk arrays. */
export interface RiskBook {
  readonly accountCount: number;
  readonly instrumentCount: number;
  /** The latest figures (updated in place by `compute` and `updateMarket`). */
  readonly result: BookResult;
  /** Revalues every instrument and recomputes every account. */
  compute(): BookResult;
  /**
   * Replaces one underlying's market data, revalues only that underlying's instruments and
   * re-aggregates only the accounts exposed to it (positions or risk-cancelling collateral).
   */
  updateMarket(underlying: string, market: Market): BookResult;
}

const PERP = 0;
const FUTURE = 1;
const OPTION = 2;

interface Instrument {
  u: number;
  kind: number;
  expiry: number;
  strike: number;
  right: 'call' | 'put';
}

/**
 * Builds a book: every distinct instrument gets one SPAN-style risk array (its unit value in each
 * scenario, both basis legs and its mark) in one Float64Array, and each account becomes a run of
 * (instrument, quantity) pairs sorted by underlying, expiry and strike. Margining an account is then
 * additions over shared arrays plus the per-expiry static discount, with no option pricing; results
 * equal `computeMarginSummary` on each account (the full-revaluation path) to rounding.
 */
export function createRiskBook(market: BookMarket, accounts: readonly Account[]): RiskBook {
  let ctx: MarginContext = createContext(market);
  const { scenarios } = ctx.params;
  const n = scenarios.length;
  const R = n + 3;
  const names = [...ctx.markets.keys()].sort();
  const nU = names.length;
  const uIndex = new Map(names.map((u, i) => [u, i]));

  // ---- instruments ---------------------------------------------------------------------------
  // Looked up through numeric maps (perp per underlying, future per expiry, option per expiry/strike):
  // building string keys for millions of positions would dominate the build.
  const instruments: Instrument[] = [];
  const perpId = new Int32Array(nU).fill(-1);
  const futureIds = names.map(() => new Map<number, number>());
  const optionIds = names.map(() => new Map<number, Map<number, [number, number]>>());
  const register = (ins: Instrument): number => {
    instruments.push(ins);
    return instruments.length - 1;
  };
  const instrumentOf = (p: Position, index: number): number => {
    const u = uIndex.get(p.underlying);
    if (u === undefined) {
      throw new AppError('RISK__MISSING_MARKET', { context: { underlying: p.underlying, position: index } });
    }
    if (p.type === 'perp') {
      if (perpId[u] === -1) perpId[u] = register({ u, kind: PERP, expiry: -1, strike: -1, right: 'call' });
      return perpId[u]!;
    }
    if (p.type === 'future') {
      let id = futureIds[u]!.get(p.expiry);
      if (id === undefined) {
        id = register({ u, kind: FUTURE, expiry: p.expiry, strike: -1, right: 'call' });
        futureIds[u]!.set(p.expiry, id);
      }
      return id;
    }
    let byStrike = optionIds[u]!.get(p.expiry);
    if (!byStrike) {
      byStrike = new Map();
      optionIds[u]!.set(p.expiry, byStrike);
    }
    let pair = byStrike.get(p.strike);
    if (!pair) {
      pair = [-1, -1];
      byStrike.set(p.strike, pair);
    }
    const slot = p.right === 'call' ? 0 : 1;
    if (pair[slot] === -1) {
      pair[slot] = register({ u, kind: OPTION, expiry: p.expiry, strike: p.strike, right: p.right });
    }
    return pair[slot];
  };

  // ---- accounts: constants and positions ---------------------------------------------------------
  const nA = accounts.length;
  const equityConst = new Float64Array(nA);
  const hcIm = new Float64Array(nA);
  const hcMm = new Float64Array(nA);
  const base = new Float64Array(nA * nU);
  let capacity = 0;
  for (const acc of accounts) capacity += acc.positions?.length ?? 0;
  const pInst = new Int32Array(capacity);
  const pQty = new Float64Array(capacity);
  const pConst = new Float64Array(capacity);
  const rawStart = new Int32Array(nA + 1);
  let off = 0;
  accounts.forEach((acc, a) => {
    const col = resolveCollateral(ctx, acc.collateral ?? []);
    const hc = collateralHaircuts(ctx, col);
    hcIm[a] = hc.im;
    hcMm[a] = hc.mm;
    let other = 0;
    for (const c of col.others) other += c.value;
    equityConst[a] = (acc.cash ?? 0) + other / ctx.stablePrice;
    for (const [u, b] of col.base) base[a * nU + uIndex.get(u)!] = b;
    rawStart[a] = off;
    const positions = acc.positions ?? [];
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i]!;
      pInst[off] = instrumentOf(p, i);
      pQty[off] = p.quantity;
      // Mark-to-market constant of a linear position: -qty*entry (+ funding), so mark = qty*price + konst.
      pConst[off] =
        p.type === 'option' ? 0 : -p.quantity * p.entryPrice + (p.type === 'perp' ? (p.funding ?? 0) : 0);
      off++;
    }
  });
  rawStart[nA] = off;

  // Sort order: underlying, perp first, then expiry; within an expiry the future, then strike, right.
  const order = instruments
    .map((_, i) => i)
    .sort((x, y) => {
      const a = instruments[x]!;
      const b = instruments[y]!;
      return (
        a.u - b.u ||
        a.expiry - b.expiry ||
        a.kind - b.kind ||
        a.strike - b.strike ||
        (a.right < b.right ? -1 : a.right > b.right ? 1 : 0)
      );
    });
  const rank = new Int32Array(instruments.length);
  order.forEach((id, r) => {
    rank[id] = r;
  });

  const nI = instruments.length;
  const instU = new Int32Array(nI);
  const instKind = new Int8Array(nI);
  const instGroup = new Int32Array(nI); // expiry group id, -1 for perps
  const instStrike = new Float64Array(nI);
  const groupOf = names.map(() => new Map<number, number>());
  const groupU: number[] = [];
  const groupExpiry: number[] = [];
  instruments.forEach((ins, i) => {
    instU[i] = ins.u;
    instKind[i] = ins.kind;
    instStrike[i] = ins.strike;
    if (ins.kind === PERP) {
      instGroup[i] = -1;
      return;
    }
    let g = groupOf[ins.u]!.get(ins.expiry);
    if (g === undefined) {
      g = groupU.length;
      groupOf[ins.u]!.set(ins.expiry, g);
      groupU.push(ins.u);
      groupExpiry.push(ins.expiry);
    }
    instGroup[i] = g;
  });
  const nG = groupU.length;

  // Per account: insertion-sort its run by instrument rank (runs are short), merge repeated instruments,
  // compact in place (the write cursor never passes the read cursor) and record where each underlying
  // starts.
  const start = new Int32Array(nA * (nU + 1) + 1);
  let w = 0;
  for (let a = 0; a < nA; a++) {
    const lo = rawStart[a]!;
    const hi = rawStart[a + 1]!;
    for (let i = lo + 1; i < hi; i++) {
      const id = pInst[i]!;
      const q = pQty[i]!;
      const k = pConst[i]!;
      let j = i - 1;
      while (j >= lo && rank[pInst[j]!]! > rank[id]!) {
        pInst[j + 1] = pInst[j]!;
        pQty[j + 1] = pQty[j]!;
        pConst[j + 1] = pConst[j]!;
        j--;
      }
      pInst[j + 1] = id;
      pQty[j + 1] = q;
      pConst[j + 1] = k;
    }
    const first = w;
    for (let i = lo; i < hi; i++) {
      if (w > first && pInst[w - 1] === pInst[i]) {
        pQty[w - 1]! += pQty[i]!;
        pConst[w - 1]! += pConst[i]!;
        continue;
      }
      pInst[w] = pInst[i]!;
      pQty[w] = pQty[i]!;
      pConst[w] = pConst[i]!;
      w++;
    }
    let li = first;
    for (let u = 0; u < nU; u++) {
      start[a * (nU + 1) + u] = li;
      while (li < w && instU[pInst[li]!] === u) li++;
    }
    start[a * (nU + 1) + nU] = w;
  }

  // ---- per-underlying and per-expiry constants, risk arrays --------------------------------------
  const arr = new Float64Array(nI * R);
  const uSpot = new Float64Array(nU);
  const uConfS = new Float64Array(nU);
  const uConfP = new Float64Array(nU);
  const baseArr = new Float64Array(nU * n); // per unit of base: S*k/P - S/P
  const gDisc = new Float64Array(nG);
  const gBasis = new Float64Array(nG);
  const gConf = new Float64Array(nG);
  const weight = new Float64Array(n);
  const noneAtOne = scenarios.findIndex((s) => s.spotShock === 1 && s.vol === 'none');
  scenarios.forEach((s, i) => {
    weight[i] = s.weight;
  });

  function revalue(u: number): void {
    const m = ctx.markets.get(names[u]!)!;
    const S = m.spot;
    uSpot[u] = S;
    uConfS[u] = m.spotConfidence;
    uConfP[u] = m.perpConfidence;
    for (let s = 0; s < n; s++) {
      const k = scenarios[s]!.spotShock;
      baseArr[u * n + s] = (S * k) / ctx.stablePrice - S / ctx.stablePrice;
    }
    for (let g = 0; g < nG; g++) {
      if (groupU[g] !== u) continue;
      const e = m.expiries.get(groupExpiry[g]!);
      if (!e) {
        throw new AppError('RISK__MISSING_EXPIRY', {
          context: { underlying: names[u]!, expiry: groupExpiry[g]!, position: -1 },
        });
      }
      gDisc[g] = e.staticDiscount;
      gBasis[g] = e.basisFactor;
      gConf[g] = e.confidence;
    }
    const { basis } = ctx.params;
    for (let i = 0; i < nI; i++) {
      if (instU[i] !== u) continue;
      const ins = instruments[i]!;
      const o = i * R;
      if (ins.kind === PERP) {
        if (m.perpPrice === undefined) {
          throw new AppError('RISK__INVALID_INPUT', {
            context: { path: `markets.${m.name}.perp`, reason: 'perp positions need a perp price' },
          });
        }
        const Fp = m.perpPrice;
        for (let s = 0; s < n; s++) arr[o + s] = (scenarios[s]!.spotShock - 1) * Fp;
        arr[o + n] = 0;
        arr[o + n + 1] = 0;
        arr[o + n + 2] = Fp;
        continue;
      }
      const e = m.expiries.get(ins.expiry)!;
      if (ins.kind === FUTURE) {
        for (let s = 0; s < n; s++) arr[o + s] = shockedForward(e, scenarios[s]!.spotShock) - e.forward;
        arr[o + n] = shockedForward(e, basis.spotUp) - e.forward;
        arr[o + n + 1] = shockedForward(e, basis.spotDown) - e.forward;
        arr[o + n + 2] = e.forward;
        continue;
      }
      const opt = { strike: ins.strike, right: ins.right, vol: volFor(e, ins.strike) };
      const mark = optionValue(ctx, e, opt, 1, 1, false);
      for (let s = 0; s < n; s++) {
        const sc = scenarios[s]!;
        arr[o + s] =
          s === noneAtOne
            ? mark
            : optionValue(ctx, e, opt, sc.spotShock, volMultiplier(e, sc.vol), sc.vol === 'up');
      }
      arr[o + n] = optionValue(ctx, e, opt, basis.spotUp, 1, false);
      arr[o + n + 1] = optionValue(ctx, e, opt, basis.spotDown, 1, false);
      arr[o + n + 2] = mark;
    }
  }

  // ---- aggregation ------------------------------------------------------------------------------
  const uIm = new Float64Array(nA * nU);
  const uMm = new Float64Array(nA * nU);
  const uMtm = new Float64Array(nA * nU);
  const result: BookResult = {
    equity: new Float64Array(nA),
    initialRequirement: new Float64Array(nA),
    maintenanceRequirement: new Float64Array(nA),
    initialExcess: new Float64Array(nA),
    maintenanceExcess: new Float64Array(nA),
    markToMarket: new Float64Array(nA),
  };
  const scen = new Float64Array(n);
  const V = new Float64Array(n);

  function aggregate(a: number, u: number): void {
    const cell = a * nU + u;
    const lo = start[a * (nU + 1) + u]!;
    const hi = start[a * (nU + 1) + u + 1]!;
    const b = base[cell]!;
    if (lo === hi && b === 0) {
      uIm[cell] = 0;
      uMm[cell] = 0;
      uMtm[cell] = 0;
      return;
    }
    const { contingency: cont, confidence: conf } = ctx.params;
    const S = uSpot[u]!;
    const P = ctx.stablePrice;
    scen.fill(0);
    let mtm = (b * S) / P;
    let qp = 0;
    let linAbs = 0;
    let naked = 0;
    let bc = 0;
    let absByConf = 0; // sum over expiries of (1 - c_e) * |options|, when c_e < threshold
    let i = lo;
    for (; i < hi && instKind[pInst[i]!] === PERP; i++) {
      const q = pQty[i]!;
      const o = pInst[i]! * R;
      qp += q;
      mtm += q * arr[o + n + 2]! + pConst[i]!;
      for (let s = 0; s < n; s++) scen[s]! += q * arr[o + s]!;
    }
    linAbs += Math.abs(qp);
    const cPort = qp !== 0 ? Math.min(uConfS[u]!, uConfP[u]!) : uConfS[u]!;
    while (i < hi) {
      const g = instGroup[pInst[i]!]!;
      V.fill(0);
      let up = 0;
      let down = 0;
      let mtmE = 0;
      let fq = 0;
      let fu = 0;
      let fd = 0;
      let absOpt = 0;
      let strike = Number.NaN;
      let net = 0;
      for (; i < hi && instGroup[pInst[i]!] === g; i++) {
        const id = pInst[i]!;
        const q = pQty[i]!;
        const o = id * R;
        if (instKind[id] === FUTURE) {
          fq += q;
          mtm += q * arr[o + n + 2]! + pConst[i]!;
          fu += q * arr[o + n]!;
          fd += q * arr[o + n + 1]!;
          for (let s = 0; s < n; s++) scen[s]! += q * arr[o + s]!;
          continue;
        }
        for (let s = 0; s < n; s++) V[s]! += q * arr[o + s]!;
        up += q * arr[o + n]!;
        down += q * arr[o + n + 1]!;
        mtmE += q * arr[o + n + 2]!;
        absOpt += Math.abs(q);
        // Calls and puts at one strike are adjacent: net them for naked shorts.
        if (instStrike[id] !== strike) {
          naked += Math.max(0, -net);
          strike = instStrike[id]!;
          net = 0;
        }
        net += q;
      }
      naked += Math.max(0, -net);
      const D = gDisc[g]!;
      for (let s = 0; s < n; s++) {
        const v = s === noneAtOne ? mtmE : V[s]!;
        scen[s]! += (v > 0 ? v * D : v) - mtmE;
      }
      bc += Math.min(0, up - mtmE + fu, down - mtmE + fd) * gBasis[g]!;
      mtm += mtmE;
      linAbs += Math.abs(fq);
      if (absOpt > 0) {
        const ce = Math.min(cPort, gConf[g]!);
        if (ce < conf.threshold) absByConf += (1 - ce) * absOpt;
      }
    }
    let min = bc;
    const bo = u * n;
    for (let s = 0; s < n; s++) {
      const pnl = weight[s]! * (scen[s]! + b * baseArr[bo + s]!);
      if (pnl < min) min = pnl;
    }
    const sc = S * (linAbs * cont.perpPercent + b * cont.basePercent) + S * cont.optionPercent * naked;
    let cc = absByConf * conf.margin * S;
    if (cPort < conf.threshold) cc += (1 - cPort) * conf.margin * (linAbs + b) * S;
    const minSpan = min - sc;
    uMm[cell] = -ctx.params.mmFactor * minSpan + 0;
    uIm[cell] = -ctx.imFactor * minSpan + cc + 0;
    uMtm[cell] = mtm;
  }

  function total(a: number): void {
    let im = hcIm[a]!;
    let mm = hcMm[a]!;
    let mtm = 0;
    for (let u = 0; u < nU; u++) {
      im += uIm[a * nU + u]!;
      mm += uMm[a * nU + u]!;
      mtm += uMtm[a * nU + u]!;
    }
    const equity = equityConst[a]! + mtm;
    result.equity[a] = equity;
    result.markToMarket[a] = mtm;
    result.initialRequirement[a] = im;
    result.maintenanceRequirement[a] = mm;
    result.initialExcess[a] = equity - im;
    result.maintenanceExcess[a] = equity - mm;
  }

  function compute(): BookResult {
    for (let u = 0; u < nU; u++) revalue(u);
    for (let a = 0; a < nA; a++) {
      for (let u = 0; u < nU; u++) aggregate(a, u);
      total(a);
    }
    return result;
  }

  function updateMarket(underlying: string, m: Market): BookResult {
    const u = uIndex.get(underlying);
    if (u === undefined) {
      throw new AppError('RISK__MISSING_MARKET', { context: { underlying, position: -1 } });
    }
    // Only this underlying's market context is rebuilt; parameters and other markets stay shared.
    const fresh = createContext({ ...market, markets: { [underlying]: m } }).markets.get(underlying)!;
    const next = new Map(ctx.markets);
    next.set(underlying, fresh);
    ctx = { ...ctx, markets: next };
    revalue(u);
    for (let a = 0; a < nA; a++) {
      const cell = a * nU + u;
      if (start[a * (nU + 1) + u] === start[a * (nU + 1) + u + 1] && base[cell] === 0) continue;
      aggregate(a, u);
      total(a);
    }
    return result;
  }

  compute();
  return { accountCount: nA, instrumentCount: nI, result, compute, updateMarket };
}
