import { AppError } from '@xmargin/errors';

/** How far ahead of our clock a reported time may be (clock skew between hosts), in seconds. */
export const MAX_FUTURE_SKEW_SECONDS = 60;

/**
 * Refuses an observation time from the future (beyond the skew) or older than `maxAgeSeconds`. A time far
 * ahead would otherwise win every later "newest observation" comparison and freeze the value it dates.
 */
export function checkObservationTime(observedAt: number, nowSeconds: number, maxAgeSeconds: number): void {
  if (observedAt > nowSeconds + MAX_FUTURE_SKEW_SECONDS) {
    throw new AppError('API__OBSERVATION_TIME_INVALID', {
      context: {
        observedAt,
        now: nowSeconds,
        reason: `more than ${MAX_FUTURE_SKEW_SECONDS}s in the future`,
      },
      shortMessage: `observedAt ${observedAt} is ahead of now (${nowSeconds}) by more than ${MAX_FUTURE_SKEW_SECONDS}s`,
    });
  }
  if (nowSeconds - observedAt > maxAgeSeconds) {
    throw new AppError('API__OBSERVATION_TIME_INVALID', {
      context: { observedAt, now: nowSeconds, reason: `older than ${maxAgeSeconds}s` },
      shortMessage: `observedAt ${observedAt} is ${nowSeconds - observedAt}s old (max ${maxAgeSeconds}s)`,
    });
  }
}
