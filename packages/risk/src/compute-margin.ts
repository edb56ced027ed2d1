import { evaluateAccount } from './book/evaluate-account.js';
import { FUTURE, OPTION } from './book/instrument-table.js';
import { resolveCollateral } from './model/collateral.js';
import { createContext } from './model/context.js';
import { positionDetails } from './model/details.js';
import { crossMode, isolatedMode } from './model/modes.js';
import type {
  MarginDocument,
  MarginResult,
  MarginSummary,
  MarginWarning,
  UnderlyingResult,
} from './types.js';

/**
 * Margin of one account (spec sections 3-6): the PMRM v1 portfolio requirement per underlying,
 * collateral haircuts, equity and excesses, the isolated and cross comparison modes, per-position
 * attribution and Greeks. Pure; throws AppError RISK__* when a position or collateral refers to
 * missing market data or a price, or when a figure overflows the double range.
 */
export function computeMargin(doc: MarginDocument): MarginResult {
  const ctx = createContext(doc);
  const col = resolveCollateral(ctx, doc.account.collateral ?? []);
  const ev = evaluateAccount(ctx, doc.account, true, col);
  const { table, run, summary } = ev;
  const positions = doc.account.positions ?? [];
  const details = positionDetails(ctx, ev, positions);
  const warnings: MarginWarning[] = [...col.warnings];
  const underlyings: Record<string, UnderlyingResult> = {};
  const scenarios = ctx.params.scenarios;
  run.segments.forEach((seg, j) => {
    const name = table.underlyings[seg.u]!;
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
      if (e.time <= 0) {
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
    modes: { isolated, cross: crossMode(ctx, positions, col, summary.equity), portfolio },
    capitalEfficiency:
      summary.initialRequirement === 0 ? null : isolated.initialRequirement / summary.initialRequirement,
    warnings,
  };
}

/**
 * The headline figures only (no modes, Greeks or attribution): what what-if bisection needs, and what
 * a book entry holds. Same formula and checks as `computeMargin`.
 */
export function computeMarginSummary(doc: MarginDocument): MarginSummary {
  return evaluateAccount(createContext(doc), doc.account, false).summary;
}
