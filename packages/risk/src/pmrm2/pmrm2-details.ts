import { black76Greeks } from '../pricing/greeks.js';
import type { GreeksOut } from '../types.js';
import type { Pmrm2Context } from './pmrm2-context.js';
import { shockedForward } from './pmrm2-context.js';
import type { Pmrm2Holding } from './pmrm2-holdings.js';
import type { Pmrm2UnderlyingMargin } from './pmrm2-underlying.js';

export interface Pmrm2PositionDetail {
  markToMarket: number;
  worstScenarioPnl: number;
  greeks: GreeksOut;
}

const zero = (): GreeksOut => ({ delta: 0, gamma: 0, vega: 0, theta: 0 });

/**
 * Per-position mark, Greeks and attribution for one underlying under pmrm-2, as PMRM v1 attributes:
 * the position's P&L in the worst scenario with its expiry's static discount (long or short, by the
 * sign of the net expiry value) shared pro rata; in a skew scenario whose expiry P&L was a gain, the
 * signs flip with the `-|P&L|` rule. When basis is the worst case, each expiry's binding leg is
 * attributed and perps get 0. Risk-cancelling collateral adds `BaseValue / S` to the delta.
 */
export function pmrm2PositionDetails(
  ctx: Pmrm2Context,
  h: Pmrm2Holding,
  um: Pmrm2UnderlyingMargin,
  out: Map<number, Pmrm2PositionDetail>,
): GreeksOut {
  const { scenarios, basis } = h.market.params;
  const n = scenarios.length;
  const m = h.market;
  const S = m.spot;
  const Fp = m.perpPrice ?? 0;
  const total: GreeksOut = { ...zero(), delta: h.baseValue / S };
  const worst = um.worst >= 0 ? scenarios[um.worst]! : undefined;
  const add = (i: number, d: Pmrm2PositionDetail) => {
    out.set(i, d);
    total.delta += d.greeks.delta;
    total.gamma += d.greeks.gamma;
    total.vega += d.greeks.vega;
    total.theta += d.greeks.theta;
  };
  for (const p of h.perps) {
    add(p.index, {
      markToMarket: p.quantity * (Fp - p.entryPrice) + p.funding,
      worstScenarioPnl: worst ? worst.weight * p.quantity * (worst.spotShock - 1) * Fp : 0,
      greeks: { ...zero(), delta: (p.quantity * Fp) / S },
    });
  }
  h.expiries.forEach((x, j) => {
    const e = x.expiry;
    const ev = um.expiries[j]!;
    const fps = (e.forward - e.forwardFixed) / S;
    const leg = Math.min(0, ev.basisUp, ev.basisDown) === 0 ? -1 : ev.basisUp <= ev.basisDown ? n : n + 1;
    const legShock = leg === n ? basis.spotUp : basis.spotDown;
    let disc = 1;
    let sign = 1;
    if (worst) {
      const v = ev.scenarioValue[um.worst]!;
      disc = v >= 0 ? e.longDiscount : e.shortDiscount;
      const skew = worst.vol === 'linear' || worst.vol === 'abs';
      if (skew && worst.weight * (v * disc - ev.markToMarket) > 0) sign = -1;
    }
    x.options.forEach((o, i) => {
      const u = ev.unit[i]!;
      const mark = o.quantity * u[n + 2]!;
      let pnl = 0;
      if (worst) pnl = sign * worst.weight * (disc * o.quantity * u[um.worst]! - mark);
      else if (leg >= 0) pnl = (o.quantity * u[leg]! - mark) * e.basisFactor;
      const g = black76Greeks({
        forward: e.forward,
        strike: o.strike,
        time: e.time,
        vol: o.vol,
        right: o.right,
        rate: ctx.params.discountOptionValues ? e.rate : 0,
        forwardPerSpot: fps,
      });
      add(o.index, {
        markToMarket: mark,
        worstScenarioPnl: pnl,
        greeks: {
          delta: o.quantity * g.delta,
          gamma: o.quantity * g.gamma,
          vega: o.quantity * g.vega,
          theta: o.quantity * g.theta,
        },
      });
    });
    for (const f of x.futures) {
      let pnl = 0;
      if (worst) pnl = worst.weight * f.quantity * (shockedForward(e, worst.spotShock) - e.forward);
      else if (leg >= 0) pnl = f.quantity * (shockedForward(e, legShock) - e.forward) * e.basisFactor;
      add(f.index, {
        markToMarket: f.quantity * (e.forward - f.entryPrice),
        worstScenarioPnl: pnl,
        greeks: { ...zero(), delta: f.quantity * fps },
      });
    }
  });
  return total;
}
