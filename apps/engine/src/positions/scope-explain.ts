import type { Principal } from '../http/auth.js';

interface ExplainedPosition {
  readonly key: string;
  readonly markToMarket: number;
  readonly worstScenarioPnl: number;
  readonly greeks: Readonly<Record<string, number>>;
}

/**
 * What an explain answer may show its caller: admins see every position; a protocol key sees its own
 * protocol's positions itemised (keys `protocol/positionId`) and everyone else's summed into one
 * `otherPositions` aggregate (count, mark, worst-scenario P&L, Greeks), so no protocol learns another's
 * position ids, marks or Greeks; relayer keys see the aggregate only.
 */
export function scopeExplain<T extends { readonly positions: readonly ExplainedPosition[] }>(
  explain: T,
  viewer: Pick<Principal, 'role' | 'scope'>,
): T & {
  otherPositions?: {
    count: number;
    markToMarket: number;
    worstScenarioPnl: number;
    greeks: Record<string, number>;
  };
} {
  if (viewer.role === 'admin') return explain;
  const own = viewer.role === 'protocol' && viewer.scope ? `${viewer.scope}/` : null;
  const mine = explain.positions.filter((p) => own !== null && p.key.startsWith(own));
  const others = explain.positions.filter((p) => !(own !== null && p.key.startsWith(own)));
  if (others.length === 0) return explain;
  const greeks: Record<string, number> = {};
  for (const p of others) for (const [g, v] of Object.entries(p.greeks)) greeks[g] = (greeks[g] ?? 0) + v;
  return {
    ...explain,
    positions: mine,
    otherPositions: {
      count: others.length,
      markToMarket: others.reduce((s, p) => s + p.markToMarket, 0),
      worstScenarioPnl: others.reduce((s, p) => s + p.worstScenarioPnl, 0),
      greeks,
    },
  };
}
