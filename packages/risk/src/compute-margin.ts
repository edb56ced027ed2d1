import { AppError } from '@xmargin/errors';
import { resolveCollateral } from './model/collateral.js';
import { createContext, type MarginContext } from './model/context.js';
import { type PositionDetail, positionDetails } from './model/details.js';
import { addPosition, holdingOf, type UnderlyingHolding } from './model/holdings.js';
import { collateralHaircuts, crossMode, isolatedMode } from './model/modes.js';
import { marginUnderlying } from './model/underlying.js';
import { modelOf } from './params/model-of.js';
import { computeMarginPmrm2, computeMarginSummaryPmrm2 } from './pmrm2/compute-margin-pmrm2.js';
import type {
  MarginDocument,
  MarginResult,
  MarginSummary,
  MarginWarning,
  UnderlyingResult,
} from './types.js';

/** Groups an account's positions and risk-cancelling collateral per underlying (sorted by name). */
function holdingsOf(ctx: MarginContext, doc: MarginDocument, base: ReadonlyMap<string, number>) {
  const byUnderlying = new Map<string, UnderlyingHolding>();
  (doc.account.positions ?? []).forEach((p, i) => {
    addPosition(ctx, byUnderlying, p, i);
  });
  for (const [u, b] of base) holdingOf(ctx, byUnderlying, u, -1).base = b;
  return [...byUnderlying.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Margin of one account (spec sections 3-6): the PMRM v1 portfolio requirement per underlying
 * (PMRM_2, section 9, when `params.model` is "pmrm-2"),
 * collateral haircuts, equity and excesses, the isolated and cross comparison modes, per-position
 * attribution and Greeks. Pure; throws AppError RISK__* when a position or collateral refers to
 * missing market data or a price.
 */
export function computeMargin(doc: MarginDocument): MarginResult {
  if (modelOf(doc.params) === 'pmrm-2') return computeMarginPmrm2(doc);
  const ctx = createContext(doc);
  const col = resolveCollateral(ctx, doc.account.collateral ?? []);
  const warnings: MarginWarning[] = [...col.warnings];
  const positions = doc.account.positions ?? [];
  const details = new Map<number, PositionDetail>();
  const underlyings: Record<string, UnderlyingResult> = {};
  let mtm = 0;
  let im = 0;
  let mm = 0;
  for (const [name, h] of holdingsOf(ctx, doc, col.base)) {
    const um = marginUnderlying(ctx, h);
    const greeks = positionDetails(ctx, h, um, details);
    const scenarios = ctx.params.scenarios;
    const worst = scenarios[um.worst];
    underlyings[name] = {
      worstScenario: worst ? { spotShock: worst.spotShock, vol: worst.vol } : { basis: true },
      scenarios: scenarios.map((s, i) => ({ spotShock: s.spotShock, vol: s.vol, pnl: um.scenarioPnl[i]! })),
      basisContingency: um.basisContingency,
      staticContingency: um.staticContingency,
      confidenceContingency: um.confidenceContingency,
      markToMarket: um.markToMarket,
      greeks,
    };
    mtm += um.markToMarket;
    im += um.initialRequirement;
    mm += um.maintenanceRequirement;
    for (const x of h.expiries) {
      if (x.expiry.time <= 0 && x.options.length > 0) {
        warnings.push({
          code: 'OPTION_EXPIRED',
          path: x.expiry.path,
          message: `${name} options expiring at ${x.expiry.expiry} are past asOf and priced at intrinsic value`,
        });
      }
    }
  }
  const haircuts = collateralHaircuts(ctx, col);
  let otherValue = 0;
  for (const c of col.others) otherValue += c.value;
  const equity = (doc.account.cash ?? 0) + mtm + otherValue / ctx.stablePrice;
  const initialRequirement = im + haircuts.im;
  const maintenanceRequirement = mm + haircuts.mm;
  const portfolio = {
    initialRequirement,
    maintenanceRequirement,
    initialExcess: equity - initialRequirement,
    maintenanceExcess: equity - maintenanceRequirement,
  };
  checkFinite({ equity, initialRequirement, maintenanceRequirement, markToMarket: mtm });
  const isolated = isolatedMode(ctx, positions, col, equity);
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
    modes: { isolated, cross: crossMode(ctx, positions, col, equity), portfolio },
    capitalEfficiency: initialRequirement === 0 ? null : isolated.initialRequirement / initialRequirement,
    warnings,
  };
}

/**
 * The headline figures only (no modes, Greeks or attribution), by full revaluation of the account:
 * what what-if bisection needs, and the reference ("naive") path the book fast path is tested against.
 */
export function computeMarginSummary(doc: MarginDocument): MarginSummary {
  if (modelOf(doc.params) === 'pmrm-2') return computeMarginSummaryPmrm2(doc);
  const ctx = createContext(doc);
  const col = resolveCollateral(ctx, doc.account.collateral ?? []);
  let mtm = 0;
  let im = 0;
  let mm = 0;
  for (const [, h] of holdingsOf(ctx, doc, col.base)) {
    const um = marginUnderlying(ctx, h);
    mtm += um.markToMarket;
    im += um.initialRequirement;
    mm += um.maintenanceRequirement;
  }
  const haircuts = collateralHaircuts(ctx, col);
  let otherValue = 0;
  for (const c of col.others) otherValue += c.value;
  const equity = (doc.account.cash ?? 0) + mtm + otherValue / ctx.stablePrice;
  const initialRequirement = im + haircuts.im;
  const maintenanceRequirement = mm + haircuts.mm;
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

/**
 * Inputs at the edge of the double range (a quantity of 1e308) overflow to Infinity or NaN: such a
 * result cannot be stored, compared or serialized (JSON has no Infinity), so it is refused like any
 * other input outside the model domain.
 */
function checkFinite(figures: Readonly<Record<string, number>>): void {
  for (const [name, value] of Object.entries(figures)) {
    if (!Number.isFinite(value)) {
      throw new AppError('RISK__INVALID_INPUT', {
        context: { path: `account.${name}`, reason: `overflows the double range (${value})` },
      });
    }
  }
}
