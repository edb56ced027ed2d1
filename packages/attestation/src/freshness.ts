import { AppError } from '@xmargin/errors';

export interface CheckFreshnessParameters {
  /** Unix seconds the attestation claims (VAA timestamp, Queries block time, Pyth publish time). */
  readonly timestamp: number;
  readonly now: number;
  readonly maxAgeSeconds: number;
  /** Tolerated clock skew into the future (default 60 s): a timestamp further ahead is forged or broken. */
  readonly maxSkewSeconds?: number;
}

/** Pure freshness check: `now - timestamp <= maxAge`, and not from the future beyond the skew. */
export function checkFreshness({
  timestamp,
  now,
  maxAgeSeconds,
  maxSkewSeconds = 60,
}: CheckFreshnessParameters): void {
  if (timestamp > now + maxSkewSeconds) {
    throw new AppError('ATTESTATION__TIMESTAMP_IN_FUTURE', {
      shortMessage: `Timestamp ${timestamp} is ahead of now (${now}) by more than ${maxSkewSeconds}s`,
      context: { timestamp, now, maxSkewSeconds },
    });
  }
  if (now - timestamp > maxAgeSeconds) {
    throw new AppError('ATTESTATION__STALE', {
      shortMessage: `Timestamp ${timestamp} is ${now - timestamp}s old (max ${maxAgeSeconds}s)`,
      context: { timestamp, now, maxAgeSeconds },
    });
  }
}

export interface CheckMonotonicHeightParameters {
  /** What the height is per, e.g. `2:0xvault…:0xtoken…:0xaccount…` (chain, account, asset). */
  readonly key: string;
  /** Block number (EVM) or slot (Solana) of this observation. */
  readonly height: bigint;
  /** Height of the last observation applied for `key`, or undefined/null when there is none. */
  readonly lastApplied?: bigint | null | undefined;
  /** Reject an equal height too (default false: several vault messages may come from one block). */
  readonly strict?: boolean;
}

/**
 * Pure monotonicity check: an observation may not come from an earlier block/slot than the last one
 * applied for the same (chain, account, asset), so a relayer cannot roll a balance back by posting an
 * older (but validly signed) fact. Equal heights pass unless `strict`: one block can carry several vault
 * messages (ordered by their vault nonce), and a replay of the same body is caught by its replay key.
 */
export function checkMonotonicHeight({
  key,
  height,
  lastApplied,
  strict = false,
}: CheckMonotonicHeightParameters): void {
  if (
    lastApplied !== undefined &&
    lastApplied !== null &&
    (strict ? height <= lastApplied : height < lastApplied)
  ) {
    throw new AppError('ATTESTATION__NON_MONOTONIC_HEIGHT', {
      shortMessage: `Height ${height} for ${key} is before the last applied ${lastApplied}`,
      context: { key, height: height.toString(), lastApplied: lastApplied.toString() },
    });
  }
}
