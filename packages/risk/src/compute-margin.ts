import { type AccountEvaluation, evaluateAccount } from './book/evaluate-account.js';
import { FUTURE, OPTION } from './book/instrument-table.js';
import { createModelContext, isPmrm2, type ModelContext } from './book/model-context.js';
import { resolveCollateral } from './model/collateral.js';
import { positionDetails } from './model/details.js';
import { crossMode, isolatedMode } from './model/modes.js';
import { resolvePmrm2Collateral } from './pmrm2/pmrm2-collateral.js';
import { pmrm2CrossMode } from './pmrm2/pmrm2-modes.js';
import type {
  GreeksOut,
  MarginDocument,
  MarginResult,
  MarginSummary,
  MarginWarning,
  ModeResult,
  Position,
  UnderlyingResult,
} from './types.js';

/** What differs between the models beyond the shared kernel: collateral, attribution, cross mode. */
interface ModelParts {
  readonly evaluation: AccountEvaluation;
  readonly warnings: readonly MarginWarning[];
  details(positions: readonly Position[]): {
    positions: { markToMarket: number; worstScenarioPnl: number; greeks: GreeksOut }[];
    underlyings: GreeksOut[];
  };
  cross(positions: readonly Position[], equity: number): ModeResult;
}

function modelParts(ctx: ModelContext, doc: MarginDocument): ModelParts {
  const collateral = doc.account.collateral ?? [];
  if (isPmrm2(ctx)) {
    const col = resolvePmrm2Collateral(ctx, collateral);
    const ev = evaluateAccount(ctx, doc.account, true, col);
    return {
      evaluation: ev,
      warnings: col.warnings,
      details: (positions) => positionDetails(ctx, ev, positions),
      cross: (positions, equity) => pmrm2CrossMode(ctx, positions, col, equity),
    };
  }
  const col = resolveCollateral(ctx, collateral);
  const ev = evaluateAccount(ctx, doc.account, true, col);
  return {
    evaluation: ev,
    warnings: col.warnings,
    details: (positions) => positionDetails(ctx, ev, positions),
    cross: (positions, equity) => crossMode(ctx, positions, col, equity),
  };
}

/**
 * Margin of one account (spec sections 3-6): the PMRM v1 portfolio requirement per underlying
 * (PMRM_2, section 9, when `params.model` is "pmrm-2"),
 * collateral haircuts, equity and excesses, the isolated and cross comparison modes, per-position
 * attribution and Greeks. Pure; throws AppError RISK__* when a position or collateral refers to
 * missing market data or a price, or when a figure overflows the double range.
 */
export function computeMargin(doc: MarginDocument): MarginResult {
  const ctx = createModelContext(doc);
  const model = modelParts(ctx, doc);
  const ev = model.evaluation;
  const { table, store, summary } = ev;
  const positions = doc.account.positions ?? [];
  const details = model.details(positions);
  const warnings: MarginWarning[] = [...model.warnings];
  const underlyings: Record<string, UnderlyingResult> = {};
  // The store holds this account's run alone: segments 0.., legs 0...
  for (let j = 0; j < store.segCount; j++) {
    const name = table.underlyings[store.segU[j]!]!;
    const scenarios = ctx.markets.get(name)!.params.scenarios;
    const tr = ev.traces[j]!;
    const worst = scenarios[tr.worst];
    underlyings[name] = {
      worstScenario: worst ? { spotShock: worst.spotShock, vol: worst.vol } : { basis: true },
      scenarios: scenarios.map((s, i) => ({ spotShock: s.spotShock, vol: s.vol, pnl: tr.scenarioPnl[i]! })),
      basisContingency: tr.basisContingency,
      staticContingency: tr.staticContingency,
      confidenceContingency: tr.confidenceContingency,
      markToMarket: store.segMtm[j]!,
      greeks: details.underlyings[j]!,
    };
    // Legs of one expiry are adjacent, futures before options: warn once per expiry holding options.
    const lo = store.segLo[j]!;
    for (let i = lo; i < store.segHi[j]!; i++) {
      const id = store.inst[i]!;
      const first = i === lo || table.group[store.inst[i - 1]!] !== table.group[id];
      const withOptions = table.kind[id] === OPTION && (first || table.kind[store.inst[i - 1]!] === FUTURE);
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
  }
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
    modes: { isolated, cross: model.cross(positions, summary.equity), portfolio },
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
  return evaluateAccount(createModelContext(doc), doc.account, false).summary;
}
