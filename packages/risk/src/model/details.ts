import type { AccountEvaluation } from '../book/evaluate-account.js';
import { black76Greeks } from '../pricing/greeks.js';
import type { GreeksOut, Position } from '../types.js';
import type { MarginContext } from './context.js';
import { shockedForward } from './context.js';
import { volFor } from './option-value.js';

export interface PositionDetail {
  markToMarket: number;
  worstScenarioPnl: number;
  greeks: GreeksOut;
}

const zero = (): GreeksOut => ({ delta: 0, gamma: 0, vega: 0, theta: 0 });

/**
 * Per-position mark, Greeks and attribution, and each underlying's Greeks (in the order of the run's
 * segments). Attribution is the position's P&L in its underlying's worst scenario; the static discount
 * of an expiry (a property of the net expiry value) is shared pro rata, so the attributions of an
 * underlying add up to its worst P&L less the base collateral's share. When the basis contingency is
 * the worst case, each expiry's binding basis leg is attributed and perps get 0.
 */
export function positionDetails(
  ctx: MarginContext,
  ev: AccountEvaluation,
  positions: readonly Position[],
): { positions: PositionDetail[]; underlyings: GreeksOut[] } {
  const { scenarios, basis, discountOptionValues } = ctx.params;
  const { table, arrays, run, traces } = ev;
  const n = scenarios.length;
  const bySegment = new Map(run.segments.map((s, j) => [s.u, j]));
  const totals = run.segments.map((s) => ({ ...zero(), delta: s.base / ctx.stablePrice }));
  const details = positions.map((p, i): PositionDetail => {
    const id = run.positionInstrument[i]!;
    const j = bySegment.get(table.underlying[id]!)!;
    const trace = traces[j]!;
    const m = ctx.markets.get(p.underlying)!;
    const S = m.spot;
    const worst = trace.worst >= 0 ? scenarios[trace.worst]! : undefined;
    let d: PositionDetail;
    if (p.type === 'perp') {
      const Fp = m.perpPrice!;
      d = {
        markToMarket: p.quantity * (Fp - p.entryPrice) + (p.funding ?? 0),
        worstScenarioPnl: worst ? worst.weight * p.quantity * (worst.spotShock - 1) * Fp : 0,
        // The scenarios move the perp mark proportionally with spot, so dFp/dS = Fp/S.
        greeks: { ...zero(), delta: (p.quantity * Fp) / S },
      };
    } else {
      const e = m.expiries.get(p.expiry)!;
      const x = trace.expiries.find((t) => t.expiry === p.expiry)!;
      const fps = (e.forward - e.forwardFixed) / S;
      // Which basis leg binds for this expiry (none when both legs gain).
      const leg = Math.min(0, x.basisUp, x.basisDown) === 0 ? -1 : x.basisUp <= x.basisDown ? n : n + 1;
      if (p.type === 'future') {
        let pnl = 0;
        if (worst) pnl = worst.weight * p.quantity * (shockedForward(e, worst.spotShock) - e.forward);
        else if (leg >= 0) {
          const legShock = leg === n ? basis.spotUp : basis.spotDown;
          pnl = p.quantity * (shockedForward(e, legShock) - e.forward) * e.basisFactor;
        }
        d = {
          markToMarket: p.quantity * (e.forward - p.entryPrice),
          worstScenarioPnl: pnl,
          greeks: { ...zero(), delta: p.quantity * fps },
        };
      } else {
        const u = arrays.values.subarray(id * arrays.stride, (id + 1) * arrays.stride);
        const disc = worst && x.scenarioValue[trace.worst]! > 0 ? e.staticDiscount : 1;
        const mark = p.quantity * u[n + 2]!;
        let pnl = 0;
        if (worst) pnl = worst.weight * (disc * p.quantity * u[trace.worst]! - mark);
        else if (leg >= 0) pnl = (p.quantity * u[leg]! - mark) * e.basisFactor;
        const g = black76Greeks({
          forward: e.forward,
          strike: p.strike,
          time: e.time,
          vol: volFor(e, p.strike),
          right: p.right,
          rate: discountOptionValues ? e.rate : 0,
          forwardPerSpot: fps,
        });
        d = {
          markToMarket: mark,
          worstScenarioPnl: pnl,
          greeks: {
            delta: p.quantity * g.delta,
            gamma: p.quantity * g.gamma,
            vega: p.quantity * g.vega,
            theta: p.quantity * g.theta,
          },
        };
      }
    }
    const total = totals[j]!;
    total.delta += d.greeks.delta;
    total.gamma += d.greeks.gamma;
    total.vega += d.greeks.vega;
    total.theta += d.greeks.theta;
    return d;
  });
  return { positions: details, underlyings: totals };
}
