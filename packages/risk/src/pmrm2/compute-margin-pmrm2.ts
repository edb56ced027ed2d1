import { evaluateAccount } from '../book/evaluate-account.js';
import { FUTURE, OPTION } from '../book/instrument-table.js';
import { isolatedMode } from '../model/modes.js';
import type {
  MarginDocument,
  MarginResult,
  MarginSummary,
  MarginWarning,
  UnderlyingResult,
} from '../types.js';
import { resolvePmrm2Collateral } from './pmrm2-collateral.js';
import { createPmrm2Context } from './pmrm2-context.js';
import { pmrm2PositionDetails } from './pmrm2-details.js';
import { pmrm2CrossMode } from './pmrm2-modes.js';

/**
 * Margin of one account under Derive's PMRM_2 (spec section 9): per-underlying scenario margin with
 * skew scenarios, tails, static discount by sign, MM/IM contingencies, collateral at its own price
 * with haircuts and a confidence charge, and the isolated and cross comparison modes. The figures come
 * from the aggregation kernel the book and PMRM v1 use (`book/aggregate.ts`).
 */
export function computeMarginPmrm2(doc: MarginDocument): MarginResult {
  const ctx = createPmrm2Context(doc);
  const col = resolvePmrm2Collateral(ctx, doc.account.collateral ?? []);
  const ev = evaluateAccount(ctx, doc.account, true, col);
  const { table, run, summary } = ev;
  const positions = doc.account.positions ?? [];
  const details = pmrm2PositionDetails(ctx, ev, positions);
  const warnings: MarginWarning[] = [...col.warnings];
  const underlyings: Record<string, UnderlyingResult> = {};
  run.segments.forEach((seg, j) => {
    const name = table.underlyings[seg.u]!;
    const scenarios = ctx.markets.get(name)!.params.scenarios;
    const tr = ev.traces[j]!;
    const worst = scenarios[tr.worst];
    underlyings[name] = {
      worstScenario: worst ? { spotShock: worst.spotShock, vol: worst.vol } : { basis: true },
      scenarios: scenarios.map((s, i) => ({ spotShock: s.spotShock, vol: s.vol, pnl: tr.scenarioPnl[i]! })),
      basisContingency: tr.basisContingency,
      staticContingency: tr.staticContingency,
      confidenceContingency: tr.confidenceContingency,
      markToMarket: seg.mtm,
      greeks: details.underlyings[j]!,
    };
    // Legs of one expiry are adjacent, futures before options: warn once per expiry holding options.
    for (let i = seg.lo; i < seg.hi; i++) {
      const id = run.inst[i]!;
      const first = i === seg.lo || table.group[run.inst[i - 1]!] !== table.group[id];
      const withOptions = table.kind[id] === OPTION && (first || table.kind[run.inst[i - 1]!] === FUTURE);
      if (!withOptions) continue;
      const e = ctx.markets.get(name)!.expiries.get(table.expiry[id]!)!;
      if (e.expiry <= ctx.asOf) {
        warnings.push({
          code: 'OPTION_EXPIRED',
          path: e.path,
          message: `${name} options expiring at ${e.expiry} are past asOf and priced at intrinsic value`,
        });
      }
    }
  });
  const portfolio = {
    initialRequirement: summary.initialRequirement,
    maintenanceRequirement: summary.maintenanceRequirement,
    initialExcess: summary.initialExcess,
    maintenanceExcess: summary.maintenanceExcess,
  };
  const isolated = isolatedMode(ev, positions, summary.equity);
  return {
    ...summary,
    underlyings,
    positions: details.positions.map((d, index) => ({
      index,
      markToMarket: d.markToMarket,
      worstScenarioPnl: d.worstScenarioPnl,
      greeks: d.greeks,
    })),
    modes: { isolated, cross: pmrm2CrossMode(ctx, positions, col, summary.equity), portfolio },
    capitalEfficiency:
      summary.initialRequirement === 0 ? null : isolated.initialRequirement / summary.initialRequirement,
    warnings,
  };
}

/** The headline figures only, through the same kernel: what what-if bisection and a book entry hold. */
export function computeMarginSummaryPmrm2(doc: MarginDocument): MarginSummary {
  return evaluateAccount(createPmrm2Context(doc), doc.account, false).summary;
}
