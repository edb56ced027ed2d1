import { AppError } from '@xmargin/errors';
import type {
  MarginDocument,
  MarginResult,
  MarginSummary,
  MarginWarning,
  UnderlyingResult,
} from '../types.js';
import {
  collateralCharges,
  type Pmrm2ResolvedCollateral,
  resolvePmrm2Collateral,
} from './pmrm2-collateral.js';
import { createPmrm2Context, type Pmrm2Context } from './pmrm2-context.js';
import { type Pmrm2PositionDetail, pmrm2PositionDetails } from './pmrm2-details.js';
import { addPmrm2Position, type Pmrm2Holding, pmrm2HoldingOf } from './pmrm2-holdings.js';
import { pmrm2CrossMode, pmrm2IsolatedMode } from './pmrm2-modes.js';
import { marginPmrm2Underlying } from './pmrm2-underlying.js';

/** Positions and risk-cancelling collateral per underlying, sorted by name. */
export function pmrm2Holdings(
  ctx: Pmrm2Context,
  doc: Pick<MarginDocument, 'account'>,
  col: Pmrm2ResolvedCollateral,
): [string, Pmrm2Holding][] {
  const byUnderlying = new Map<string, Pmrm2Holding>();
  (doc.account.positions ?? []).forEach((p, i) => {
    addPmrm2Position(ctx, byUnderlying, p, i);
  });
  for (const c of col.assets) {
    if (c.underlying !== undefined) pmrm2HoldingOf(ctx, byUnderlying, c.underlying, -1).baseValue += c.value;
  }
  return [...byUnderlying.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function otherValue(col: Pmrm2ResolvedCollateral): number {
  let v = 0;
  for (const c of col.assets) if (c.underlying === undefined) v += c.value;
  return v;
}

/**
 * Margin of one account under Derive's PMRM_2 (spec section 9): per-underlying scenario margin with
 * skew scenarios, tails, static discount by sign, MM/IM contingencies, collateral at its own price
 * with haircuts and a confidence charge, and the isolated and cross comparison modes.
 */
export function computeMarginPmrm2(doc: MarginDocument): MarginResult {
  const ctx = createPmrm2Context(doc);
  const col = resolvePmrm2Collateral(ctx, doc.account.collateral ?? []);
  const warnings: MarginWarning[] = [...col.warnings];
  const positions = doc.account.positions ?? [];
  const details = new Map<number, Pmrm2PositionDetail>();
  const underlyings: Record<string, UnderlyingResult> = {};
  let mtm = 0;
  let im = 0;
  let mm = 0;
  for (const [name, h] of pmrm2Holdings(ctx, doc, col)) {
    const um = marginPmrm2Underlying(ctx, h);
    const greeks = pmrm2PositionDetails(ctx, h, um, details);
    const scenarios = h.market.params.scenarios;
    const worst = scenarios[um.worst];
    underlyings[name] = {
      worstScenario: worst ? { spotShock: worst.spotShock, vol: worst.vol } : { basis: true },
      scenarios: scenarios.map((s, i) => ({ spotShock: s.spotShock, vol: s.vol, pnl: um.scenarioPnl[i]! })),
      basisContingency: um.basisContingency,
      staticContingency: um.mmContingency,
      confidenceContingency: um.imContingency,
      markToMarket: um.markToMarket,
      greeks,
    };
    mtm += um.markToMarket;
    im += um.initialRequirement;
    mm += um.maintenanceRequirement;
    for (const x of h.expiries) {
      if (x.expiry.expiry <= ctx.asOf && x.options.length > 0) {
        warnings.push({
          code: 'OPTION_EXPIRED',
          path: x.expiry.path,
          message: `${name} options expiring at ${x.expiry.expiry} are past asOf and priced at intrinsic value`,
        });
      }
    }
  }
  const charges = collateralCharges(ctx, col);
  const equity = (doc.account.cash ?? 0) + mtm + otherValue(col);
  const initialRequirement = im + charges.im;
  const maintenanceRequirement = mm + charges.mm;
  checkFinite({ equity, initialRequirement, maintenanceRequirement, markToMarket: mtm });
  const portfolio = {
    initialRequirement,
    maintenanceRequirement,
    initialExcess: equity - initialRequirement,
    maintenanceExcess: equity - maintenanceRequirement,
  };
  const isolated = pmrm2IsolatedMode(ctx, positions, col, equity);
  return {
    equity,
    initialRequirement,
    maintenanceRequirement,
    initialExcess: portfolio.initialExcess,
    maintenanceExcess: portfolio.maintenanceExcess,
    markToMarket: mtm,
    underlyings,
    positions: positions.map((_, index) => {
      const d = details.get(index)!;
      return { index, markToMarket: d.markToMarket, worstScenarioPnl: d.worstScenarioPnl, greeks: d.greeks };
    }),
    modes: { isolated, cross: pmrm2CrossMode(ctx, positions, col, equity), portfolio },
    capitalEfficiency: initialRequirement === 0 ? null : isolated.initialRequirement / initialRequirement,
    warnings,
  };
}

/** The headline figures only, by full revaluation: the pmrm-2 reference path of the book. */
export function computeMarginSummaryPmrm2(doc: MarginDocument): MarginSummary {
  const ctx = createPmrm2Context(doc);
  const col = resolvePmrm2Collateral(ctx, doc.account.collateral ?? []);
  let mtm = 0;
  let im = 0;
  let mm = 0;
  for (const [, h] of pmrm2Holdings(ctx, doc, col)) {
    const um = marginPmrm2Underlying(ctx, h);
    mtm += um.markToMarket;
    im += um.initialRequirement;
    mm += um.maintenanceRequirement;
  }
  const charges = collateralCharges(ctx, col);
  const equity = (doc.account.cash ?? 0) + mtm + otherValue(col);
  const initialRequirement = im + charges.im;
  const maintenanceRequirement = mm + charges.mm;
  checkFinite({ equity, initialRequirement, maintenanceRequirement, markToMarket: mtm });
  return {
    equity,
    initialRequirement,
    maintenanceRequirement,
    initialExcess: equity - initialRequirement,
    maintenanceExcess: equity - maintenanceRequirement,
    markToMarket: mtm,
  };
}

// As PMRM v1: a result that overflows the double range cannot be stored or serialized.
function checkFinite(figures: Readonly<Record<string, number>>): void {
  for (const [name, value] of Object.entries(figures)) {
    if (!Number.isFinite(value)) {
      throw new AppError('RISK__INVALID_INPUT', {
        context: { path: `account.${name}`, reason: `overflows the double range (${value})` },
      });
    }
  }
}
