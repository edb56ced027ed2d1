import { computeMargin } from '../compute-margin.js';
import type { MarginDocument } from '../types.js';
import { maintenanceOf, type UnitEvaluator, unitDocument } from './evaluator.js';
import type { StressMode } from './types.js';

/** The definition of section 2: `computeMargin` of every unit's document at the state. */
export function referenceEvaluator(
  base: Pick<MarginDocument, 'asOf' | 'params' | 'stable'>,
  mode: StressMode,
): UnitEvaluator {
  return {
    evaluate(state, units) {
      const size = units.reduce((n, u) => Math.max(n, u.index + 1), 0);
      const equity = new Float64Array(size);
      const maintenance = new Float64Array(size);
      for (const u of units) {
        const r = computeMargin(unitDocument(base, state, u));
        equity[u.index] = r.equity;
        maintenance[u.index] = maintenanceOf(r, mode);
      }
      return { equity, maintenance };
    },
    changed() {},
  };
}
