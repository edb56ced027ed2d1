import type { Depth } from './depth.js';
import type { PriceState, UnitEvaluator } from './evaluator.js';
import {
  appendHoldingFigures,
  createHoldingFigures,
  type HoldingFigures,
  holdingValue,
} from './holding-figures.js';
import { type AssetUniverse, byAsset, samePrices } from './price-state.js';
import type {
  StressChainFigures,
  StressLiquidation,
  StressMode,
  StressModeResult,
  StressRound,
} from './types.js';
import { inputCashWeights, type StressUnit } from './units.js';

/** Section 4 with its defaults applied; no capacity is `Infinity`. */
export interface ResolvedPolicy {
  readonly kind: 'full' | 'toTarget';
  readonly buffer: number;
  readonly penalty: number;
  readonly closeFactor: number;
  readonly capacity: number;
  readonly oracleLag: number;
  readonly insuranceFund: number;
}

/** Everything a mode's run shares with the other modes of the same document. */
export interface StressSetup {
  readonly universe: AssetUniverse;
  /** The run's modes, in the order they run. */
  readonly modes: readonly StressMode[];
  /** Depth per asset index; undefined: the asset never moves. */
  readonly depth: readonly (Depth | undefined)[];
  readonly policy: ResolvedPolicy;
  readonly maxRounds: number;
  /** Shock factor s per asset (1 when unshocked). */
  readonly shocks: Float64Array;
  /** P0 = R * s. */
  readonly initial: Float64Array;
  /** The price state of a vector (market data and margin context), cached per vector. */
  stateAt(prices: Float64Array): PriceState;
}

/** Liquidation fraction before capacity (section 3, step 3). */
function fractionOf(p: ResolvedPolicy, equity: number, maintenance: number, notional: number): number {
  if (equity <= 0) return 1;
  if (p.kind === 'full') return p.closeFactor;
  const target = (1 + p.buffer) * maintenance;
  const denominator = target - p.penalty * notional;
  const restoring = denominator <= 0 ? 1 : (target - equity) / denominator;
  return Math.min(1, restoring, p.closeFactor);
}

class ChainTotals {
  readonly byChain = new Map<string, { notional: number; sold: Map<number, number>; badDebt: number }>();
  private of(chain: string) {
    let c = this.byChain.get(chain);
    if (!c) {
      c = { notional: 0, sold: new Map(), badDebt: 0 };
      this.byChain.set(chain, c);
    }
    return c;
  }
  /** Figures [lo, hi) of `h`, a slice f of them liquidated. */
  addHoldings(
    f: number,
    h: HoldingFigures,
    lo: number,
    hi: number,
    traded: (asset: number) => boolean,
  ): void {
    for (let i = lo; i < hi; i++) {
      const c = this.of(h.chain[i]!);
      c.notional += f * h.notional[i]!;
      const a = h.asset[i]!;
      if (traded(a)) c.sold.set(a, (c.sold.get(a) ?? 0) + f * h.flow[i]!);
    }
  }
  addBadDebt(chain: string, amount: number): void {
    this.of(chain).badDebt += amount;
  }
  result(universe: AssetUniverse): Record<string, StressChainFigures> {
    const out: Record<string, StressChainFigures> = {};
    for (const chain of [...this.byChain.keys()].sort()) {
      const c = this.byChain.get(chain)!;
      const sold: Record<string, number> = {};
      for (const a of [...c.sold.keys()].sort((x, y) => x - y)) sold[universe.names[a]!] = c.sold.get(a)!;
      out[chain] = { notional: c.notional, sold, badDebt: c.badDebt };
    }
    return out;
  }
}

/**
 * An account's bad debt split over chains: by notional per chain at O (its figures [lo, hi) of `h`,
 * summing to `notional`), else by input |cash|.
 */
function splitBadDebt(
  totals: ChainTotals,
  u: StressUnit,
  h: HoldingFigures,
  lo: number,
  hi: number,
  notional: number,
  badDebt: number,
): void {
  if (u.chain !== undefined) {
    totals.addBadDebt(u.chain, badDebt);
    return;
  }
  const weights = new Map<string, number>();
  let total = 0;
  if (notional > 0) {
    for (let i = lo; i < hi; i++) {
      const chain = h.chain[i]!;
      weights.set(chain, (weights.get(chain) ?? 0) + h.notional[i]!);
    }
    total = notional;
  } else {
    for (const [chain, w] of inputCashWeights(u.account)) {
      weights.set(chain, w);
      total += w;
    }
  }
  if (total > 0) for (const [chain, w] of weights) totals.addBadDebt(chain, (badDebt * w) / total);
}

// The loops over every unit of a round live in small functions of their own: `simulateMode` runs once
// per mode, and a loop inside it is compiled by on-stack replacement, then deoptimised whenever a path
// it had not met before is taken (a later round's first settlement, say), falling back to the
// interpreter (which boxes every double it reads) over hundreds of thousands of units.

/** The units of `from` still in the run, in order, into `to` (which may be `from`: filtered in place). */
function keepInRun(from: readonly StressUnit[], to: StressUnit[]): void {
  let w = 0;
  const n = from.length;
  for (let i = 0; i < n; i++) {
    const u = from[i]!;
    if (u.holdsAnything || u.cash < 0) to[w++] = u;
  }
  to.length = w;
}

/** The units of `active` whose excess is negative, in order, appended to `out` (returned). */
function liquidatableOf(
  active: readonly StressUnit[],
  equity: ArrayLike<number>,
  maintenance: ArrayLike<number>,
  out: StressUnit[],
): StressUnit[] {
  const n = active.length;
  for (let i = 0; i < n; i++) {
    const u = active[i]!;
    const k = u.index;
    if (equity[k]! - maintenance[k]! < 0) out.push(u);
  }
  return out;
}

/**
 * The liquidatable units of a round (candidates), in id order, in flat lists reused round after round:
 * the unit, its figures at O (excess, N, fraction before capacity, the range [lo, hi) of its holding
 * figures) and the fraction capacity gives it (0: not liquidated this round). JS arrays written at
 * their end or within (see fast-evaluator.ts on ArrayBuffer memory); [0.5]: doubles from the start.
 */
interface Candidates {
  readonly units: StressUnit[];
  readonly excess: number[];
  readonly notional: number[];
  readonly fraction: number[];
  readonly lo: number[];
  readonly hi: number[];
  readonly slice: number[];
}

function createCandidates(): Candidates {
  return { units: [], excess: [0.5], notional: [0.5], fraction: [0.5], lo: [], hi: [], slice: [0.5] };
}

/** The candidates' figures at the oracle state (their holding figures appended to `figures`). */
function candidateFigures(
  cand: Candidates,
  equity: ArrayLike<number>,
  maintenance: ArrayLike<number>,
  figures: HoldingFigures,
  atOracle: PriceState,
  universe: AssetUniverse,
  policy: ResolvedPolicy,
  evaluator: UnitEvaluator,
): void {
  const units = cand.units;
  const n = units.length;
  for (let c = 0; c < n; c++) {
    const unit = units[c]!;
    const e = equity[unit.index]!;
    const m = maintenance[unit.index]!;
    cand.lo[c] = figures.count;
    const notional = evaluator.holdingFigures
      ? evaluator.holdingFigures(figures, atOracle, unit)
      : appendHoldingFigures(figures, atOracle, universe, unit);
    cand.hi[c] = figures.count;
    cand.excess[c] = e - m;
    cand.notional[c] = notional;
    cand.fraction[c] = fractionOf(policy, e, m, notional);
  }
}

/** What `settle` adds up over a round's liquidations. */
interface Settled {
  penalties: number;
  badDebt: number;
  /** A slice of 1 left a unit holding nothing. */
  closed: boolean;
  /** Units liquidated for the first time. */
  newlyLiquidated: number;
}

/**
 * Section 3 step 7 for each candidate with a slice f > 0, in id order: its slice sold at the execution
 * state, its holdings and cash rewritten, its record appended to `liquidated`; sums into `out`.
 */
function settle(
  cand: Candidates,
  figures: HoldingFigures,
  atExecution: PriceState,
  universe: AssetUniverse,
  policy: ResolvedPolicy,
  totals: ChainTotals,
  isTraded: (a: number) => boolean,
  evaluator: UnitEvaluator,
  wasLiquidated: Uint8Array,
  liquidated: StressLiquidation[],
  out: Settled,
): void {
  let penalties = 0;
  let badDebt = 0;
  let closed = false;
  let newly = 0;
  const count = cand.units.length;
  for (let c = 0; c < count; c++) {
    const f = cand.slice[c]!;
    if (!(f > 0)) continue;
    const u = cand.units[c]!;
    const notional = cand.notional[c]!;
    const value = evaluator.holdingValue
      ? evaluator.holdingValue(atExecution, u)
      : holdingValue(atExecution, universe, u);
    totals.addHoldings(f, figures, cand.lo[c]!, cand.hi[c]!, isTraded);
    let p = policy.penalty * f * notional;
    let bad = 0;
    if (f < 1) {
      u.scaleHoldings(1 - f);
      u.cash += f * value - p;
    } else {
      const t = u.cash + value;
      if (t >= 0) {
        p = Math.min(p, t);
        u.cash = t - p;
      } else {
        p = 0;
        bad = -t;
        u.cash = 0;
        splitBadDebt(totals, u, figures, cand.lo[c]!, cand.hi[c]!, notional, bad);
      }
      u.close();
      closed = true;
    }
    evaluator.changed(u);
    penalties += p;
    badDebt += bad;
    if (wasLiquidated[u.index] === 0) {
      wasLiquidated[u.index] = 1;
      newly++;
    }
    liquidated.push({ unit: u.id, fraction: f, notional: f * notional, penalty: p, badDebt: bad });
  }
  out.penalties = penalties;
  out.badDebt = badDebt;
  out.closed = closed;
  out.newlyLiquidated = newly;
}

/**
 * Runs one mode (section 3) from P0 to its fixed point or `maxRounds`, rewriting `units` in place.
 * `units` must be sorted by id; `evaluator` margins them.
 */
export function simulateMode(
  setup: StressSetup,
  mode: StressMode,
  units: StressUnit[],
  evaluator: UnitEvaluator,
  onRound?: (mode: StressMode, round: number) => void,
): StressModeResult {
  const { universe, policy, depth } = setup;
  const nAssets = universe.names.length;
  const history: Float64Array[] = [setup.initial];
  let market = setup.initial;
  let fund = policy.insuranceFund;
  const rounds: StressRound[] = [];
  const totals = new ChainTotals();
  const soldTotal = new Map<number, number>();
  /** Units liquidated at least once (flags by unit index), and how many. */
  const wasLiquidated = new Uint8Array(units.length);
  let liquidatedUnits = 0;
  let converged = false;
  // Units in the run (section 3 step 1). A unit leaves only when a slice of 1 settles it to cash >= 0
  // with nothing held, so the list is filtered again only after a round that did that.
  const active: StressUnit[] = [];
  keepInRun(units, active);
  let closed = false;
  const perAsset = new Float64Array(nAssets);
  // The liquidatable units of a round and their figures (`Candidates`).
  const figures = createHoldingFigures();
  const cand = createCandidates();
  const { units: candidates, excess: cExcess, notional: cNotional, fraction: cFraction } = cand;
  const { lo: cLo, hi: cHi, slice: cSlice } = cand;
  const settled: Settled = { penalties: 0.5, badDebt: 0.5, closed: false, newlyLiquidated: 0 };
  for (let k = 1; ; k++) {
    const oracle = history[Math.max(0, k - 1 - policy.oracleLag)]!;
    const atOracle = setup.stateAt(oracle);
    // In place: the list lives through the run, and a copy per round is a large allocation.
    if (closed) keepInRun(active, active);
    closed = false;
    const { equity, maintenance } = evaluator.evaluate(atOracle, active);
    candidates.length = 0;
    figures.count = 0;
    liquidatableOf(active, equity, maintenance, candidates);
    candidateFigures(cand, equity, maintenance, figures, atOracle, universe, policy, evaluator);
    const count = candidates.length;
    if (count === 0 && samePrices(oracle, market)) {
      converged = true;
      break;
    }
    if (k === setup.maxRounds + 1) break;

    // Capacity goes to the deepest shortfalls first (ties by id); without a capacity every candidate
    // gets its fraction, in whatever order.
    if (policy.capacity === Number.POSITIVE_INFINITY) {
      for (let c = 0; c < count; c++) cSlice[c] = cFraction[c]!;
    } else {
      const byShortfall = new Array<number>(count);
      for (let c = 0; c < count; c++) byShortfall[c] = c;
      byShortfall.sort((a, b) => cExcess[a]! - cExcess[b]! || candidates[a]!.index - candidates[b]!.index);
      let left = policy.capacity;
      for (const c of byShortfall) {
        let f = cFraction[c]!;
        const n = cNotional[c]!;
        if (n > 0 && left / n <= f) {
          f = left / n;
          left = 0;
        } else if (n > 0) {
          left -= f * n;
        }
        cSlice[c] = f;
      }
    }

    // Net flow per asset with depth, summed over the liquidated units in id order.
    const q = new Float64Array(nAssets);
    for (let c = 0; c < count; c++) {
      const f = cSlice[c]!;
      if (!(f > 0)) continue;
      perAsset.fill(0);
      for (let i = cLo[c]!; i < cHi[c]!; i++) perAsset[figures.asset[i]!]! += figures.flow[i]!;
      for (let a = 0; a < nAssets; a++) if (depth[a] && perAsset[a] !== 0) q[a]! += f * perAsset[a]!;
    }
    const next = new Float64Array(market);
    const execution = new Float64Array(market);
    const traded: number[] = [];
    for (let a = 0; a < nAssets; a++) {
      const d = depth[a];
      if (!d || q[a] === 0) continue;
      const cleared = d.clear(market[a]!, q[a]!);
      next[a] = cleared.price;
      execution[a] = cleared.execution;
      traded.push(a);
    }
    const isTraded = (a: number) => depth[a] !== undefined && q[a] !== 0;
    const atExecution = setup.stateAt(execution);

    const liquidated: StressLiquidation[] = [];
    settle(
      cand,
      figures,
      atExecution,
      universe,
      policy,
      totals,
      isTraded,
      evaluator,
      wasLiquidated,
      liquidated,
      settled,
    );
    const { penalties, badDebt } = settled;
    if (settled.closed) closed = true;
    liquidatedUnits += settled.newlyLiquidated;
    fund += penalties;
    const draw = Math.min(fund, badDebt);
    fund -= draw;
    for (const a of traded) soldTotal.set(a, (soldTotal.get(a) ?? 0) + q[a]!);
    let roundNotional = 0;
    for (const l of liquidated) roundNotional += l.notional;
    let shortfall = 0;
    for (let c = 0; c < count; c++) shortfall += -cExcess[c]!;
    rounds.push({
      round: k,
      oraclePrices: byAsset(universe, oracle),
      executionPrices: byAsset(universe, execution, traded),
      prices: byAsset(universe, next),
      sold: byAsset(universe, q, traded),
      liquidations: liquidated.length,
      notional: roundNotional,
      shortfall,
      penalties,
      badDebt,
      insuranceDraw: draw,
      insuranceFund: fund,
      socialisedLoss: badDebt - draw,
      liquidated,
    });
    history.push(next);
    market = next;
    onRound?.(mode, k);
  }
  return modeResult(setup, market, fund, rounds, totals, soldTotal, liquidatedUnits, converged);
}

function modeResult(
  setup: StressSetup,
  final: Float64Array,
  fund: number,
  rounds: StressRound[],
  totals: ChainTotals,
  soldTotal: Map<number, number>,
  liquidatedUnits: number,
  converged: boolean,
): StressModeResult {
  const { universe } = setup;
  const drop: Record<string, number> = {};
  const amplification: Record<string, number | null> = {};
  universe.names.forEach((a, i) => {
    const r = universe.reference[i]!;
    const d = 1 - final[i]! / r;
    drop[a] = d;
    const s = setup.shocks[i]!;
    amplification[a] = s === 1 ? null : d / (1 - s);
  });
  const sold: Record<string, number> = {};
  for (const a of [...soldTotal.keys()].sort((x, y) => x - y)) sold[universe.names[a]!] = soldTotal.get(a)!;
  let liquidations = 0;
  let notional = 0;
  let penalties = 0;
  let badDebt = 0;
  let insuranceDraw = 0;
  let socialisedLoss = 0;
  for (const r of rounds) {
    liquidations += r.liquidations;
    notional += r.notional;
    penalties += r.penalties;
    badDebt += r.badDebt;
    insuranceDraw += r.insuranceDraw;
    socialisedLoss += r.socialisedLoss;
  }
  return {
    converged,
    roundCount: rounds.length,
    prices: byAsset(universe, final),
    drop,
    amplification,
    liquidations,
    liquidatedUnits,
    notional,
    sold,
    penalties,
    badDebt,
    insuranceDraw,
    insuranceFund: fund,
    socialisedLoss,
    perChain: totals.result(universe),
    rounds,
  };
}
