import type { ModelContext } from '../book/model-context.js';
import type { MarginDocument, Position } from '../types.js';
import type { HoldingFigures } from './holding-figures.js';
import type { MarketData } from './price-state.js';
import type { StressMode } from './types.js';
import type { StressUnit } from './units.js';

/** An option's unit value and spot delta. */
export type OptionFigures = readonly [number, number];

/** A price vector with its market data and resolved margin context. */
export interface PriceState {
  readonly prices: Float64Array;
  readonly market: MarketData;
  readonly ctx: ModelContext;
  /**
   * Unit value and spot delta per option instrument at this state, priced once (holding-figures.ts):
   * per expiry context, strike, then [call, put].
   */
  readonly options: Map<object, Map<number, [OptionFigures | undefined, OptionFigures | undefined]>>;
}

/** E (equity) and M (maintenance requirement of the mode) of units at a price state, by `unit.index`. */
export interface UnitFigures {
  readonly equity: ArrayLike<number>;
  readonly maintenance: ArrayLike<number>;
}

/**
 * How a run margins its units: the reference evaluator calls `computeMargin` on each unit's document;
 * a fast one keeps shared per-instrument arrays. Both must give the same figures.
 */
export interface UnitEvaluator {
  /**
   * The figures of `units` at `state`, at each unit's `index` (other entries are left as they were).
   * A unit's figures are exact wherever its excess E - M is negative; a fast evaluator may leave a
   * unit's earlier figures (with E - M >= 0) where it proves the move keeps its excess >= 0: a run reads
   * figures only to find and size the liquidatable units.
   */
  evaluate(state: PriceState, units: readonly StressUnit[]): UnitFigures;
  /** The unit's holdings or cash were rewritten by a settlement. */
  changed(unit: StressUnit): void;
  /**
   * Optional, for a unit `evaluate` just margined (not changed since): `appendHoldingFigures(out,
   * state, universe, unit)` and `holdingValue(state, universe, unit)` (holding-figures.ts) from the
   * evaluator's own copy of the unit's positions, to the same bits.
   */
  holdingFigures?(out: HoldingFigures, state: PriceState, unit: StressUnit): number;
  holdingValue?(state: PriceState, unit: StressUnit): number;
}

/** The section-6 document of a unit at a price state. */
export function unitDocument(
  base: Pick<MarginDocument, 'asOf' | 'params' | 'stable'>,
  state: PriceState,
  u: StressUnit,
): MarginDocument {
  return {
    version: 1,
    asOf: base.asOf,
    params: base.params,
    ...(base.stable ? { stable: base.stable } : {}),
    prices: state.market.prices,
    markets: state.market.markets,
    account: {
      cash: u.cash,
      collateral: u.collateral.map((c, i) => ({ asset: c.asset, chain: c.chain, amount: u.amount(i, c) })),
      positions: u.positions.map((held, i) => {
        const { chain: _chain, ...p } = held;
        const funding = u.funding(i, held);
        return {
          ...p,
          quantity: u.quantity(i, held),
          ...(funding === undefined ? {} : { funding }),
        } as Position;
      }),
    },
  };
}

/** The maintenance requirement of `mode` in a margin result (top level for `portfolio`). */
export function maintenanceOf(
  r: { maintenanceRequirement: number; modes: Record<StressMode, { maintenanceRequirement: number }> },
  mode: StressMode,
): number {
  return mode === 'portfolio' ? r.maintenanceRequirement : r.modes[mode].maintenanceRequirement;
}
