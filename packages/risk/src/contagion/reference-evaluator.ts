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
      const equity = new Float64Array(units.length);
      const maintenance = new Float64Array(units.length);
      units.forEach((u, i) => {
        const r = computeMargin(unitDocument(base, state, u));
        equity[i] = r.equity;
        maintenance[i] = maintenanceOf(r, mode);
      });
      return { equity, maintenance };
    },
    changed() {},
  };
}
