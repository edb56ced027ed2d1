import type { AccountEvaluation } from '../book/evaluate-account.js';
import { shockedForward } from '../model/context.js';
import { black76Greeks } from '../pricing/greeks.js';
import type { GreeksOut, Position } from '../types.js';
import type { Pmrm2Context } from './pmrm2-context.js';
import { pmrm2VolFor } from './pmrm2-holdings.js';

export interface Pmrm2PositionDetail {
  markToMarket: number;
  worstScenarioPnl: number;
  greeks: GreeksOut;
}

const zero = (): GreeksOut => ({ delta: 0, gamma: 0, vega: 0, theta: 0 });

/**
 * Per-position mark, Greeks and attribution under pmrm-2, and each underlying's Greeks (in the order
 * of the run's segments), from the kernel's traces. As under PMRM v1, attribution is the position's
 * P&L in its underlying's worst scenario with the expiry's static discount (long or short, by the sign
 * of the net expiry value) shared pro rata; in a skew scenario whose expiry change was a gain, the
 * `-|P&L|` rule flips the signs. When basis is the worst case, each expiry's binding leg is attributed
 * and perps get 0. Risk-cancelling collateral adds `BaseValue / S` to the delta.
 */
export function pmrm2PositionDetails(
  ctx: Pmrm2Context,
  ev: AccountEvaluation,
  positions: readonly Position[],
): { positions: Pmrm2PositionDetail[]; underlyings: GreeksOut[] } {
  const { table, arrays, run, traces } = ev;
  const bySegment = new Map(run.segments.map((s, j) => [s.u, j]));
  const totals = run.segments.map((s) => ({
    ...zero(),
    delta: s.base / ctx.markets.get(table.underlyings[s.u]!)!.spot,
  }));
  const details = positions.map((p, i): Pmrm2PositionDetail => {
    const id = run.positionInstrument[i]!;
    const j = bySegment.get(table.underlying[id]!)!;
    const trace = traces[j]!;
    const m = ctx.markets.get(p.underlying)!;
    const { scenarios, basis } = m.params;
    const n = scenarios.length;
    const S = m.spot;
    const worst = trace.worst >= 0 ? scenarios[trace.worst]! : undefined;
    let d: Pmrm2PositionDetail;
    if (p.type === 'perp') {
      const Fp = m.perpPrice!;
      d = {
        markToMarket: p.quantity * (Fp - p.entryPrice) + (p.funding ?? 0),
        worstScenarioPnl: worst ? worst.weight * p.quantity * (worst.spotShock - 1) * Fp : 0,
        greeks: { ...zero(), delta: (p.quantity * Fp) / S },
      };
    } else {
      const e = m.expiries.get(p.expiry)!;
      const x = trace.expiries.find((t) => t.expiry === p.expiry)!;
      const fps = (e.forward - e.forwardFixed) / S;
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
        const mark = p.quantity * u[n + 2]!;
        let pnl = 0;
        if (worst) {
          const w = trace.worst;
          const v = x.scenarioValue[w]!;
          const disc = v >= 0 ? e.longDiscount : e.shortDiscount;
          const skew = worst.vol === 'linear' || worst.vol === 'abs';
          const sign = skew && v * disc - x.markToMarket > 0 ? -1 : 1;
          pnl = sign * worst.weight * (disc * p.quantity * u[w]! - mark);
        } else if (leg >= 0) pnl = (p.quantity * u[leg]! - mark) * e.basisFactor;
        const g = black76Greeks({
          forward: e.forward,
          strike: p.strike,
          time: e.time,
          vol: pmrm2VolFor(e, p.strike),
          right: p.right,
          rate: ctx.params.discountOptionValues ? e.rate : 0,
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
