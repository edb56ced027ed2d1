import { black76Greeks } from '../pricing/greeks.js';
import type { GreeksOut } from '../types.js';
import type { MarginContext } from './context.js';
import { shockedForward } from './context.js';
import type { UnderlyingHolding } from './holdings.js';
import type { UnderlyingMargin } from './underlying.js';

export interface PositionDetail {
  markToMarket: number;
  worstScenarioPnl: number;
  greeks: GreeksOut;
}

const zero = (): GreeksOut => ({ delta: 0, gamma: 0, vega: 0, theta: 0 });

/**
 * Per-position mark, Greeks and attribution for one underlying. Attribution is the position's P&L in
 * the underlying's worst scenario; the static discount of an expiry (a property of the net expiry
 * value) is shared pro rata, so the attributions of an underlying add up to its worst P&L less the
 * base collateral's share. When the basis contingency is the worst case, each expiry's binding basis
 * leg is attributed and perps get 0.
 */
export function positionDetails(
  ctx: MarginContext,
  h: UnderlyingHolding,
  um: UnderlyingMargin,
  out: Map<number, PositionDetail>,
): GreeksOut {
  const { scenarios, basis, discountOptionValues } = ctx.params;
  const n = scenarios.length;
  const m = h.market;
  const S = m.spot;
  const Fp = m.perpPrice ?? 0;
  const total: GreeksOut = { ...zero(), delta: h.base / ctx.stablePrice };
  const worst = um.worst >= 0 ? scenarios[um.worst]! : undefined;
  const add = (i: number, d: PositionDetail) => {
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
      // The scenarios move the perp mark proportionally with spot, so dFp/dS = Fp/S.
      greeks: { ...zero(), delta: (p.quantity * Fp) / S },
    });
  }
  h.expiries.forEach((x, j) => {
    const e = x.expiry;
    const ev = um.expiries[j]!;
    const fps = (e.forward - e.forwardFixed) / S;
    // Which basis leg binds for this expiry (none when both legs gain).
    const leg = Math.min(0, ev.basisUp, ev.basisDown) === 0 ? -1 : ev.basisUp <= ev.basisDown ? n : n + 1;
    const legShock = leg === n ? basis.spotUp : basis.spotDown;
    const disc = worst && ev.scenarioValue[um.worst]! > 0 ? e.staticDiscount : 1;
    x.options.forEach((o, i) => {
      const u = ev.unit[i]!;
      const mark = o.quantity * u[n + 2]!;
      let pnl = 0;
      if (worst) pnl = worst.weight * (disc * o.quantity * u[um.worst]! - mark);
      else if (leg >= 0) pnl = (o.quantity * u[leg]! - mark) * e.basisFactor;
      const g = black76Greeks({
        forward: e.forward,
        strike: o.strike,
        time: e.time,
        vol: o.vol,
        right: o.right,
        rate: discountOptionValues ? e.rate : 0,
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
