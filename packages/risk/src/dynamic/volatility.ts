const YEAR = 365 * 86400;

/** EWMA estimate of the annualised variance of log returns, from one price series. */
export interface VolatilityState {
  /** The last price and its time (unix seconds). */
  readonly price: number;
  readonly at: number;
  /** Annualised variance of log returns; null until a second price gives a first return. */
  readonly variance: number | null;
}

/**
 * Folds one price observation into the estimate. Observations may be irregular: a return over `dt`
 * seconds is annualised (`r^2 / dt`) and weighs `1 - 0.5^(dt / halfLife)`, so the estimate halves the
 * weight of the past every `halfLifeSeconds` whatever the sampling. Out-of-order or repeated times
 * and non-positive prices leave the state as it was.
 */
export function updateVolatility(
  state: VolatilityState | null,
  price: number,
  at: number,
  halfLifeSeconds: number,
): VolatilityState {
  if (!(price > 0) || !Number.isFinite(price)) return state ?? { price: Number.NaN, at, variance: null };
  if (state === null || !(state.price > 0)) return { price, at, variance: null };
  const dt = at - state.at;
  if (!(dt > 0)) return state;
  const r = Math.log(price / state.price);
  const sample = (r * r) / (dt / YEAR);
  const alpha = 1 - 0.5 ** (dt / halfLifeSeconds);
  const variance = state.variance === null ? sample : (1 - alpha) * state.variance + alpha * sample;
  return { price, at, variance };
}

/** Annualised volatility of a state (0 before the first return). */
export function volatilityOf(state: VolatilityState | null): number {
  return state?.variance == null ? 0 : Math.sqrt(state.variance);
}
