import type { MarginSummary } from './snapshot.js';

/** Closest to liquidation: under water with something to liquidate. */
export const UNDER_WATER_PRIORITY = 1;
/** Junk (see `nearLiquidationPriority`): below every account a liquidator could act on. */
export const JUNK_PRIORITY = 1_000_000;

export interface LiquidationState {
  /** Null when the account cannot be computed (its margin is stale). */
  readonly summary: MarginSummary | null;
  /** The account holds a position or a positive collateral balance: something a liquidation can take. */
  readonly hasAssets: boolean;
}

/**
 * The account's rank in the near-liquidation index (lower = closer to liquidation; liquidators, alerts
 * and operators read the index from the lowest score up). Under water is 1; above it the rank grows
 * with the cushion `excess / requirement` on a log scale so accounts within a few percent of
 * liquidation stay well ahead of deep-margin ones. Junk never takes the top: an account whose margin
 * cannot be computed, or one under water with nothing worth liquidating (no position, no collateral),
 * ranks last, behind every healthy account.
 */
export function nearLiquidationPriority(state: LiquidationState): number {
  const s = state.summary;
  if (s === null) return JUNK_PRIORITY;
  const { maintenanceExcess: excess, maintenanceRequirement: requirement } = s;
  if (!Number.isFinite(excess) || !Number.isFinite(requirement)) return JUNK_PRIORITY;
  if (excess <= 0) return state.hasAssets ? UNDER_WATER_PRIORITY : JUNK_PRIORITY;
  if (requirement <= 0) return 10_000; // nothing at risk: no liquidation possible
  const cushion = excess / requirement;
  // cushion 0.01 -> 102, 0.1 -> 348, 1 -> 668, 100 -> 1331 (capped below 10k).
  const p = 2 + Math.round(100 * Math.log2(1 + cushion * 100));
  return Math.min(9_999, Math.max(2, p));
}
