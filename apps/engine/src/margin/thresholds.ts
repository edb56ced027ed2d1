import type { MarginSummary } from './snapshot.js';

const METRICS = ['maintenanceExcess', 'initialExcess'] as const;
const NONE: readonly ThresholdCrossing[] = Object.freeze([]);

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
): readonly ThresholdCrossing[] {
  // Called per account of every market move, which seldom crosses anything: no list made for none.
  let out: ThresholdCrossing[] | undefined;
  for (const metric of METRICS) {
    const now = current[metric];
    const before = previous?.[metric];
    for (const t of thresholds) {
      let crossing: ThresholdCrossing | undefined;
      if (before === undefined) {
        if (now <= t) crossing = { metric, threshold: t, direction: 'down', previous: null, current: now };
      } else if (before > t && now <= t)
        crossing = { metric, threshold: t, direction: 'down', previous: before, current: now };
      else if (before <= t && now > t)
        crossing = { metric, threshold: t, direction: 'up', previous: before, current: now };
      if (crossing) {
        out ??= [];
        out.push(crossing);
      }
    }
  }
  return out ?? NONE;
}
