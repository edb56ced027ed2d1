import { normCdf } from './norm.js';

/** Inputs of {@link black76}. `time` in years; `discount` multiplies both prices (default 1). */
export interface Black76Parameters {
  forward: number;
  strike: number;
  time: number;
  vol: number;
  discount?: number | undefined;
}

/** Call and put values of one option. */
export interface OptionPrices {
  call: number;
  put: number;
}

/**
 * Black-76 on the forward, exactly as PMRM v1 prices it (spec section 2): the call is computed in
 * moneyness `m = K/F`, clamped to [0, F], the put comes from parity and is clamped to [0, K], and a total
 * variance past 24 standard deviations prices at the bounds. Expired options (`time <= 0` or zero vol)
 * price at intrinsic value.
 */
export function black76({ forward: F, strike: K, time, vol, discount = 1 }: Black76Parameters): OptionPrices {
  if (K <= 0) return { call: Math.max(F, 0) * discount, put: 0 };
  if (F <= 0) return { call: 0, put: K * discount };
  const tv = vol * Math.sqrt(Math.max(time, 0));
  if (tv >= 24) return { call: F * discount, put: K * discount };
  const m = K / F;
  let callStd: number;
  if (!(tv > 0)) {
    callStd = Math.max(1 - m, 0);
  } else {
    const d1 = (0.5 * tv * tv - Math.log(m)) / tv;
    callStd = Math.max(normCdf(d1) - m * normCdf(d1 - tv), 0);
  }
  const putStd = Math.max(callStd + m - 1, 0);
  return { call: Math.min(callStd * F, F) * discount, put: Math.min(putStd * F, K) * discount };
}
