/** BullMQ priorities: 1 runs first; the largest allowed value is 2^21 - 1. */
export const HIGHEST_PRIORITY = 1;
export const LOWEST_PRIORITY = 2_097_151;
/** Accounts with no snapshot yet: ahead of comfortable accounts, behind ones near liquidation. */
export const UNKNOWN_PRIORITY = 1_000;

export interface MarginHealth {
  readonly maintenanceExcess: number;
  readonly maintenanceRequirement: number;
}

/**
 * Maps an account's distance to liquidation to a queue priority. Under water (excess <= 0) is 1;
 * above it the priority grows with the cushion `excess / requirement` on a log scale so accounts
 * within a few percent of liquidation stay well ahead of deep-margin ones.
 */
export function liquidationPriority(health: MarginHealth): number {
  const { maintenanceExcess: excess, maintenanceRequirement: requirement } = health;
  if (!Number.isFinite(excess) || !Number.isFinite(requirement)) return UNKNOWN_PRIORITY;
  if (excess <= 0) return HIGHEST_PRIORITY;
  if (requirement <= 0) return 10_000; // nothing at risk: no liquidation possible
  const cushion = excess / requirement;
  // cushion 0.01 -> 102, 0.1 -> 348, 1 -> 668, 100 -> 1331 (capped below 10k).
  const p = 2 + Math.round(100 * Math.log2(1 + cushion * 100));
  return Math.min(9_999, Math.max(2, p));
}
