import { normCdf, normPdf } from './norm.js';

/**
 * Inputs of the generalized Black-Scholes-Merton model (Haug): cost of carry `carry = b`.
 * `b = r` is Black-Scholes on a non-dividend stock, `b = r - q` with a continuous yield, `b = 0` is
 * Black-76 on a forward quoted as `spot`. `time` in years.
 */
export interface BlackScholesParameters {
  spot: number;
  strike: number;
  time: number;
  vol: number;
  rate: number;
  carry: number;
}

/** Analytic Greeks: delta, gamma (per unit of spot), vega (per 1.00 of vol), theta (per year). */
export interface Greeks {
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
}

function d1d2({ spot, strike, time, vol, carry }: BlackScholesParameters): [number, number, number] {
  const st = vol * Math.sqrt(time);
  const d1 = (Math.log(spot / strike) + (carry + 0.5 * vol * vol) * time) / st;
  return [d1, d1 - st, st];
}

/** Generalized Black-Scholes call and put values with cost of carry (spot-quoted options). */
export function blackScholes(p: BlackScholesParameters): { call: number; put: number } {
  const { spot: S, strike: K, time: T, rate: r, carry: b } = p;
  const carryDf = Math.exp((b - r) * T);
  const df = Math.exp(-r * T);
  if (!(T > 0) || !(p.vol > 0)) {
    const fwd = S * Math.exp(b * T);
    return { call: Math.max(fwd - K, 0) * df, put: Math.max(K - fwd, 0) * df };
  }
  const [d1, d2] = d1d2(p);
  return {
    call: S * carryDf * normCdf(d1) - K * df * normCdf(d2),
    put: K * df * normCdf(-d2) - S * carryDf * normCdf(-d1),
  };
}

/** Analytic Greeks of the generalized Black-Scholes model for one call or put. */
export function blackScholesGreeks(p: BlackScholesParameters & { right: 'call' | 'put' }): Greeks {
  const { spot: S, strike: K, time: T, rate: r, carry: b, vol, right } = p;
  const carryDf = Math.exp((b - r) * T);
  const df = Math.exp(-r * T);
  if (!(T > 0) || !(vol > 0)) {
    const itm = right === 'call' ? S * Math.exp(b * T) > K : S * Math.exp(b * T) < K;
    return { delta: itm ? (right === 'call' ? carryDf : -carryDf) : 0, gamma: 0, vega: 0, theta: 0 };
  }
  const [d1, d2, st] = d1d2(p);
  const pdf = normPdf(d1);
  const gamma = (carryDf * pdf) / (S * st);
  const vega = S * carryDf * pdf * Math.sqrt(T);
  const decay = (-S * carryDf * pdf * vol) / (2 * Math.sqrt(T));
  if (right === 'call') {
    return {
      delta: carryDf * normCdf(d1),
      gamma,
      vega,
      theta: decay - (b - r) * S * carryDf * normCdf(d1) - r * K * df * normCdf(d2),
    };
  }
  return {
    delta: carryDf * (normCdf(d1) - 1),
    gamma,
    vega,
    theta: decay + (b - r) * S * carryDf * normCdf(-d1) + r * K * df * normCdf(-d2),
  };
}
