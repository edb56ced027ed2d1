import type { MarginContext, MarketContext } from '../model/context.js';
import { shockedForward, volMultiplier } from '../model/context.js';
import { optionValue } from '../model/option-value.js';
import { FUTURE, type InstrumentTable, OPTION, PERP } from './instrument-table.js';

/**
 * SPAN-style risk arrays: per instrument, its unit value in every scenario (0..n-1), in the basis up
 * (n) and down (n+1) moves, and its mark (n+2); plus the per-underlying and per-expiry-group constants
 * the aggregation needs. An instrument whose market data is missing (expiry gone, no vol, no perp
 * price) gets a row of NaN: every account holding it then fails the finite check and is rebuilt from
 * its positions, which names the missing data.
 */
export interface RiskArrays {
  /** Scenario count. */
  readonly n: number;
  /** Row length: n + 3. */
  readonly stride: number;
  values: Float64Array;
  /** Per underlying index. */
  readonly spot: number[];
  readonly spotConfidence: number[];
  readonly perpConfidence: number[];
  /** Per underlying, per scenario: the move of one unit of risk-cancelling collateral, S*k/P - S/P. */
  readonly baseMove: Float64Array[];
  /** Per expiry group. */
  readonly staticDiscount: number[];
  readonly basisFactor: number[];
  readonly confidence: number[];
}

/** `capacity`: instruments expected (the rows grow past it). */
export function createRiskArrays(n: number, capacity = 64): RiskArrays {
  return {
    n,
    stride: n + 3,
    values: new Float64Array(capacity * (n + 3)),
    spot: [],
    spotConfidence: [],
    perpConfidence: [],
    baseMove: [],
    staticDiscount: [],
    basisFactor: [],
    confidence: [],
  };
}

function underlyingConstants(a: RiskArrays, ctx: MarginContext, u: number, m: MarketContext | undefined) {
  const S = m?.spot ?? Number.NaN;
  a.spot[u] = S;
  a.spotConfidence[u] = m?.spotConfidence ?? Number.NaN;
  a.perpConfidence[u] = m?.perpConfidence ?? Number.NaN;
  const move = a.baseMove[u] ?? new Float64Array(a.n);
  ctx.params.scenarios.forEach((s, i) => {
    move[i] = (S * s.spotShock) / ctx.stablePrice - S / ctx.stablePrice;
  });
  a.baseMove[u] = move;
}

function groupConstants(a: RiskArrays, t: InstrumentTable, ctx: MarginContext, g: number): void {
  const m = ctx.markets.get(t.underlyings[t.groupUnderlying[g]!]!);
  const e = m?.expiries.get(t.groupExpiry[g]!);
  a.staticDiscount[g] = e?.staticDiscount ?? Number.NaN;
  a.basisFactor[g] = e?.basisFactor ?? Number.NaN;
  a.confidence[g] = e?.confidence ?? Number.NaN;
}

function valueInstrument(a: RiskArrays, t: InstrumentTable, ctx: MarginContext, id: number): void {
  const kind = t.kind[id]!;
  if (kind < 0) return;
  const { scenarios, basis } = ctx.params;
  const n = a.n;
  const o = id * a.stride;
  const v = a.values;
  const m = ctx.markets.get(t.underlyings[t.underlying[id]!]!);
  if (kind === PERP) {
    const Fp = m?.perpPrice ?? Number.NaN;
    for (let s = 0; s < n; s++) v[o + s] = (scenarios[s]!.spotShock - 1) * Fp;
    v[o + n] = 0;
    v[o + n + 1] = 0;
    v[o + n + 2] = Fp;
    return;
  }
  const e = m?.expiries.get(t.expiry[id]!);
  const vol = e === undefined ? undefined : (e.vols.get(t.strike[id]!) ?? e.defaultVol);
  if (e === undefined || (kind === OPTION && vol === undefined)) {
    v.fill(Number.NaN, o, o + a.stride);
    return;
  }
  if (kind === FUTURE) {
    for (let s = 0; s < n; s++) v[o + s] = shockedForward(e, scenarios[s]!.spotShock) - e.forward;
    v[o + n] = shockedForward(e, basis.spotUp) - e.forward;
    v[o + n + 1] = shockedForward(e, basis.spotDown) - e.forward;
    v[o + n + 2] = e.forward;
    return;
  }
  const opt = { strike: t.strike[id]!, right: t.isPut[id] ? ('put' as const) : ('call' as const), vol: vol! };
  const mark = optionValue(ctx, e, opt, 1, 1, false);
  for (let s = 0; s < n; s++) {
    const sc = scenarios[s]!;
    // PMRM reuses the expiry mark for the (1, none) scenario instead of repricing it.
    v[o + s] =
      sc.spotShock === 1 && sc.vol === 'none'
        ? mark
        : optionValue(ctx, e, opt, sc.spotShock, volMultiplier(e, sc.vol), sc.vol === 'up');
  }
  v[o + n] = optionValue(ctx, e, opt, basis.spotUp, 1, false);
  v[o + n + 1] = optionValue(ctx, e, opt, basis.spotDown, 1, false);
  v[o + n + 2] = mark;
}

function fit(a: RiskArrays, t: InstrumentTable): void {
  const need = t.size * a.stride;
  if (need <= a.values.length) return;
  const next = new Float64Array(Math.max(need, a.values.length * 2));
  next.set(a.values);
  a.values = next;
}

/**
 * Values what the table registered since the last call (new expiry groups, new underlyings, newly
 * held instruments) against `ctx`, leaving every other row as it is.
 */
export function valueNew(a: RiskArrays, t: InstrumentTable, ctx: MarginContext): void {
  fit(a, t);
  for (let u = a.spot.length; u < t.underlyings.length; u++) {
    underlyingConstants(a, ctx, u, ctx.markets.get(t.underlyings[u]!));
  }
  for (const g of t.takeNewGroups()) groupConstants(a, t, ctx, g);
  for (const id of t.takePending()) valueInstrument(a, t, ctx, id);
}

/** Revalues one underlying: its constants, its expiry groups and every held instrument of it. */
export function revalueUnderlying(a: RiskArrays, t: InstrumentTable, ctx: MarginContext, u: number): void {
  valueNew(a, t, ctx);
  underlyingConstants(a, ctx, u, ctx.markets.get(t.underlyings[u]!));
  t.groupUnderlying.forEach((gu, g) => {
    if (gu === u) groupConstants(a, t, ctx, g);
  });
  for (const id of t.heldOf(u)) valueInstrument(a, t, ctx, id);
}
