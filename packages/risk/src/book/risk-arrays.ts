import { isAppError } from '@xmargin/errors';
import type { ExpiryContext, MarketContext } from '../model/context.js';
import { shockedForward, volMultiplier } from '../model/context.js';
import { optionValue } from '../model/option-value.js';
import type { Pmrm2Expiry, Pmrm2Market } from '../pmrm2/pmrm2-context.js';
import { pmrm2RiskArray } from '../pmrm2/pmrm2-pricing.js';
import { type KernelParams, type MarketKernel, marketKernelOf } from './aggregate.js';
import { FUTURE, type InstrumentTable, OPTION, PERP } from './instrument-table.js';
import { isPmrm2, type ModelContext } from './model-context.js';

/**
 * SPAN-style risk arrays: per instrument, its unit value in every scenario (0..n-1), in the basis up
 * (n) and down (n+1) moves, and its mark (n+2); plus the per-underlying and per-expiry-group constants
 * the aggregation needs. An instrument whose market data is missing (expiry gone, no vol, no perp
 * price) gets a row of NaN: every account holding it then fails the finite check and is rebuilt from
 * its positions, which names the missing data.
 */
export interface RiskArrays {
  /** Longest scenario grid of any market. */
  readonly n: number;
  /**
   * Row length: n + 3. A market with a shorter grid (per-underlying parameters) uses the first n_u + 3
   * entries of its rows: scenarios 0..n_u-1, basis up n_u, basis down n_u + 1, mark n_u + 2.
   */
  readonly stride: number;
  /** Per underlying index: its market kernel (scenario grid and contingency rates). */
  readonly kernel: MarketKernel[];
  values: Float64Array;
  /**
   * Per instrument: its mark (the row's entry n_u + 2), side by side for the modes that read marks
   * only (one array read per leg instead of a row lookup).
   */
  mark: Float64Array;
  /** Per underlying index. */
  readonly spot: number[];
  readonly spotConfidence: number[];
  readonly perpConfidence: number[];
  /**
   * Per underlying, per scenario: the move of one unit of risk-cancelling collateral, S*k/P - S/P
   * (PMRM v1, per unit of amount), or k - 1 (pmrm-2, per unit of value).
   */
  readonly baseMove: Float64Array[];
  /** Per expiry group: the static discount of a net-long and of a net-short expiry value. */
  readonly staticDiscount: number[];
  /** 1 under PMRM v1, which discounts only net-long values. */
  readonly shortDiscount: number[];
  readonly basisFactor: number[];
  readonly confidence: number[];
}

/** `capacity`: instruments expected (the rows grow past it). */
export function createRiskArrays(n: number, capacity = 64): RiskArrays {
  return {
    n,
    stride: n + 3,
    values: new Float64Array(capacity * (n + 3)),
    mark: new Float64Array(capacity),
    kernel: [],
    spot: [],
    spotConfidence: [],
    perpConfidence: [],
    baseMove: [],
    staticDiscount: [],
    shortDiscount: [],
    basisFactor: [],
    confidence: [],
  };
}

type AnyMarket = MarketContext | Pmrm2Market;

function marketOf(ctx: ModelContext, name: string): AnyMarket | undefined {
  return ctx.markets.get(name);
}

function underlyingConstants(a: RiskArrays, k: KernelParams, ctx: ModelContext, u: number, name: string) {
  const m = marketOf(ctx, name);
  const S = m?.spot ?? Number.NaN;
  a.kernel[u] = marketKernelOf(k, name);
  a.spot[u] = S;
  a.spotConfidence[u] = m?.spotConfidence ?? Number.NaN;
  a.perpConfidence[u] = m?.perpConfidence ?? Number.NaN;
  const move = a.baseMove[u] ?? new Float64Array(a.n);
  const scenarios = m?.params.scenarios ?? ctx.params.scenarios;
  const pmrm2 = isPmrm2(ctx);
  scenarios.forEach((s, i) => {
    move[i] = pmrm2 ? s.spotShock - 1 : (S * s.spotShock) / ctx.stablePrice - S / ctx.stablePrice;
  });
  a.baseMove[u] = move;
}

function groupConstants(a: RiskArrays, t: InstrumentTable, ctx: ModelContext, g: number): void {
  const name = t.underlyings[t.groupUnderlying[g]!]!;
  const expiry = t.groupExpiry[g]!;
  if (isPmrm2(ctx)) {
    const e = ctx.markets.get(name)?.expiries.get(expiry);
    a.staticDiscount[g] = e?.longDiscount ?? Number.NaN;
    a.shortDiscount[g] = e?.shortDiscount ?? Number.NaN;
    a.basisFactor[g] = e?.basisFactor ?? Number.NaN;
    a.confidence[g] = e?.confidence ?? Number.NaN;
    return;
  }
  const e = ctx.markets.get(name)?.expiries.get(expiry);
  a.staticDiscount[g] = e?.staticDiscount ?? Number.NaN;
  a.shortDiscount[g] = e === undefined ? Number.NaN : 1;
  a.basisFactor[g] = e?.basisFactor ?? Number.NaN;
  a.confidence[g] = e?.confidence ?? Number.NaN;
}

/** One instrument's row and mark. */
function valueInstrument(a: RiskArrays, t: InstrumentTable, ctx: ModelContext, id: number): void {
  if (t.kind[id]! < 0) return;
  const n = valueRow(a, t, ctx, id);
  a.mark[id] = a.values[id * a.stride + n + 2]!;
}

/**
 * One instrument's row; returns its market's grid length. Perps and futures move with the spot shock
 * under both models; options are repriced per scenario (PMRM v1) or by the pmrm-2 risk array (skew,
 * tails, vol-up floor).
 */
function valueRow(a: RiskArrays, t: InstrumentTable, ctx: ModelContext, id: number): number {
  const kind = t.kind[id]!;
  const o = id * a.stride;
  const v = a.values;
  const m = ctx.markets.get(t.underlyings[t.underlying[id]!]!);
  const { scenarios, basis } = m?.params ?? ctx.params;
  const n = scenarios.length;
  if (kind === PERP) {
    const Fp = m?.perpPrice ?? Number.NaN;
    for (let s = 0; s < n; s++) v[o + s] = (scenarios[s]!.spotShock - 1) * Fp;
    v[o + n] = 0;
    v[o + n + 1] = 0;
    v[o + n + 2] = Fp;
    return n;
  }
  const e = m?.expiries.get(t.expiry[id]!);
  const vol = e === undefined ? undefined : (e.vols.get(t.strike[id]!) ?? e.defaultVol);
  if (e === undefined || (kind === OPTION && vol === undefined)) {
    v.fill(Number.NaN, o, o + a.stride);
    return n;
  }
  if (kind === FUTURE) {
    for (let s = 0; s < n; s++) v[o + s] = shockedForward(e, scenarios[s]!.spotShock) - e.forward;
    v[o + n] = shockedForward(e, basis.spotUp) - e.forward;
    v[o + n + 1] = shockedForward(e, basis.spotDown) - e.forward;
    v[o + n + 2] = e.forward;
    return n;
  }
  const opt = { strike: t.strike[id]!, right: t.isPut[id] ? ('put' as const) : ('call' as const), vol: vol! };
  if (isPmrm2(ctx)) {
    const market = m as Pmrm2Market;
    try {
      v.set(pmrm2RiskArray(e as Pmrm2Expiry, opt, scenarios, basis, market.params.volShock.minVolUp), o);
    } catch (err) {
      // An option that cannot be stressed: its holders fail the finite check and their rebuild names it.
      if (!isAppError(err)) throw err;
      v.fill(Number.NaN, o, o + a.stride);
    }
    return n;
  }
  const x = e as ExpiryContext;
  const mark = optionValue(x, opt, 1, 1, false);
  for (let s = 0; s < n; s++) {
    const sc = scenarios[s]!;
    // PMRM reuses the expiry mark for the (1, none) scenario instead of repricing it.
    v[o + s] =
      sc.spotShock === 1 && sc.vol === 'none'
        ? mark
        : optionValue(
            x,
            opt,
            sc.spotShock,
            volMultiplier(x, sc.vol as 'up' | 'none' | 'down'),
            sc.vol === 'up',
          );
  }
  v[o + n] = optionValue(x, opt, basis.spotUp, 1, false);
  v[o + n + 1] = optionValue(x, opt, basis.spotDown, 1, false);
  v[o + n + 2] = mark;
  return n;
}

function fit(a: RiskArrays, t: InstrumentTable): void {
  const need = t.size * a.stride;
  if (need > a.values.length) {
    const next = new Float64Array(Math.max(need, a.values.length * 2));
    next.set(a.values);
    a.values = next;
  }
  if (t.size > a.mark.length) {
    const next = new Float64Array(Math.max(t.size, a.mark.length * 2));
    next.set(a.mark);
    a.mark = next;
  }
}

/**
 * Values what the table registered since the last call (new expiry groups, new underlyings, newly
 * held instruments) against `ctx`, leaving every other row as it is.
 */
export function valueNew(a: RiskArrays, t: InstrumentTable, k: KernelParams, ctx: ModelContext): void {
  fit(a, t);
  for (let u = a.spot.length; u < t.underlyings.length; u++) {
    underlyingConstants(a, k, ctx, u, t.underlyings[u]!);
  }
  for (const g of t.takeNewGroups()) groupConstants(a, t, ctx, g);
  for (const id of t.takePending()) valueInstrument(a, t, ctx, id);
}

/** Revalues one underlying: its constants, its expiry groups and every held instrument of it. */
export function revalueUnderlying(
  a: RiskArrays,
  t: InstrumentTable,
  k: KernelParams,
  ctx: ModelContext,
  u: number,
): void {
  valueNew(a, t, k, ctx);
  underlyingConstants(a, k, ctx, u, t.underlyings[u]!);
  t.groupUnderlying.forEach((gu, g) => {
    if (gu === u) groupConstants(a, t, ctx, g);
  });
  for (const id of t.heldOf(u)) valueInstrument(a, t, ctx, id);
}
