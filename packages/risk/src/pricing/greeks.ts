import type { Greeks } from './black-scholes.js';
import { normCdf, normPdf } from './norm.js';

/** Inputs of {@link black76Greeks}. */
export interface Black76GreeksParameters {
  forward: number;
  strike: number;
  time: number;
  vol: number;
  right: 'call' | 'put';
  /** Continuous rate used for the discount; 0 when option values are not discounted (PMRM v1). */
  rate?: number | undefined;
  /** dF/dS: how the forward moves with spot, `(F - Ffix)/S` in the spec; 1 gives Greeks on the forward. */
  forwardPerSpot?: number | undefined;
}

/**
 * Analytic Greeks of one Black-76 option with respect to SPOT: delta and gamma go through the chain rule
 * `dF/dS = forwardPerSpot` (the fixed part of the forward does not move with spot), vega is per 1.00 of
 * vol, theta is the value change per year of calendar time at a fixed forward. The price clamps of
 * {@link black76} are ignored here: they only bind where the Greeks are zero anyway.
 */
export function black76Greeks({
  forward: F,
  strike: K,
  time: T,
  vol,
  right,
  rate = 0,
  forwardPerSpot = 1,
}: Black76GreeksParameters): Greeks {
  const df = Math.exp(-rate * Math.max(T, 0));
  const tv = vol * Math.sqrt(Math.max(T, 0));
  if (!(tv > 0) || K <= 0 || F <= 0) {
    const itm = right === 'call' ? F > K : K > F;
    const dVdF = itm ? (right === 'call' ? df : -df) : 0;
    return { delta: dVdF * forwardPerSpot, gamma: 0, vega: 0, theta: 0 };
  }
  const d1 = (Math.log(F / K) + 0.5 * tv * tv) / tv;
  const d2 = d1 - tv;
  const pdf = normPdf(d1);
  const value = right === 'call' ? F * normCdf(d1) - K * normCdf(d2) : K * normCdf(-d2) - F * normCdf(-d1);
  const dVdF = df * (right === 'call' ? normCdf(d1) : normCdf(d1) - 1);
  return {
    delta: dVdF * forwardPerSpot,
    gamma: ((df * pdf) / (F * tv)) * forwardPerSpot * forwardPerSpot,
    vega: df * F * pdf * Math.sqrt(T),
    theta: rate * df * value - (df * F * pdf * vol) / (2 * Math.sqrt(T)),
  };
}
