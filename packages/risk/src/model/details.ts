import type { AccountEvaluation } from '../book/evaluate-account.js';
import { isPmrm2, type ModelContext } from '../book/model-context.js';
import type { Pmrm2Expiry } from '../pmrm2/pmrm2-context.js';
import { black76Greeks } from '../pricing/greeks.js';
import type { GreeksOut, Position } from '../types.js';
import { type ExpiryContext, shockedForward } from './context.js';
import { volFor } from './option-value.js';

export interface PositionDetail {
  markToMarket: number;
  worstScenarioPnl: number;
  greeks: GreeksOut;
}

const zero = (): GreeksOut => ({ delta: 0, gamma: 0, vega: 0, theta: 0 });

/**
 * Per-position mark, Greeks and attribution, and each underlying's Greeks (in the order of the run's
 * segments), under either model. Attribution is the position's P&L in its underlying's worst scenario;
 * the static discount of an expiry (a property of the net expiry value: PMRM v1's discount of a
 * positive value, pmrm-2's long or short discount by its sign) is shared pro rata, so the attributions
 * of an underlying add up to its worst P&L less the base collateral's share; in a pmrm-2 skew scenario
 * whose expiry change was a gain, the `-|P&L|` rule flips the signs. When the basis contingency is the
 * worst case, each expiry's binding basis leg is attributed and perps get 0.
 */
export function positionDetails(
  ctx: ModelContext,
  ev: AccountEvaluation,
  positions: readonly Position[],
): { positions: PositionDetail[]; underlyings: GreeksOut[] } {
  const { discountOptionValues } = ctx.params;
  const { table, arrays, store, run, positionInstrument, traces } = ev;
  const bySegment = new Map<number, number>();
  // Risk-cancelling collateral's delta: its value in stable units (PMRM v1) or in units of spot (pmrm-2).
  const pm2 = isPmrm2(ctx);
  const totals: GreeksOut[] = [];
  for (let j = run.segLo; j < run.segHi; j++) {
    const u = store.segU[j]!;
    bySegment.set(u, j - run.segLo);
    const per = pm2 ? ctx.markets.get(table.underlyings[u]!)!.spot : ctx.stablePrice;
    totals.push({ ...zero(), delta: store.segBase[j]! / per });
  }
  const details = positions.map((p, i): PositionDetail => {
    const id = positionInstrument[i]!;
    const j = bySegment.get(table.underlying[id]!)!;
    const trace = traces[j]!;
    const m = ctx.markets.get(p.underlying)!;
    const { scenarios, basis } = m.params;
    const n = scenarios.length;
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
        const mark = p.quantity * u[n + 2]!;
        let pnl = 0;
        if (worst) {
          const w = trace.worst;
          const v = x.scenarioValue[w]!;
          let disc: number;
          let sign = 1;
          if (pm2) {
            const e2 = e as Pmrm2Expiry;
            disc = v >= 0 ? e2.longDiscount : e2.shortDiscount;
            // pmrm-2's skew scenarios count -|P&L|: where the expiry's change was a gain, signs flip.
            if ((worst.vol === 'linear' || worst.vol === 'abs') && v * disc - x.markToMarket > 0) sign = -1;
          } else disc = v > 0 ? (e as ExpiryContext).staticDiscount : 1;
          pnl = sign * worst.weight * (disc * p.quantity * u[w]! - mark);
        } else if (leg >= 0) pnl = (p.quantity * u[leg]! - mark) * e.basisFactor;
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
