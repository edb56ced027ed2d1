import type { MarginSummary } from './snapshot.js';

export interface ThresholdCrossing {
  readonly metric: 'maintenanceExcess' | 'initialExcess';
  readonly threshold: number;
  readonly direction: 'down' | 'up';
  readonly previous: number | null;
  readonly current: number;
}

/**
 * Levels crossed between two snapshots. "down" means the excess fell to or below the level (for 0:
 * the account became liquidatable / can no longer open risk); "up" means it recovered above it.
 * No previous snapshot counts as no crossing except when the first one is already at or below a level.
 */
export function thresholdCrossings(
  previous: MarginSummary | undefined,
  current: MarginSummary,
  thresholds: readonly number[],
): ThresholdCrossing[] {
  const out: ThresholdCrossing[] = [];
  for (const metric of ['maintenanceExcess', 'initialExcess'] as const) {
    const now = current[metric];
    const before = previous?.[metric];
    for (const t of thresholds) {
      if (before === undefined) {
        if (now <= t) out.push({ metric, threshold: t, direction: 'down', previous: null, current: now });
        continue;
      }
      if (before > t && now <= t)
        out.push({ metric, threshold: t, direction: 'down', previous: before, current: now });
      else if (before <= t && now > t)
        out.push({ metric, threshold: t, direction: 'up', previous: before, current: now });
    }
  }
  return out;
}
