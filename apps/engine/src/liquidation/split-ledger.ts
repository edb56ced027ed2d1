// Share p of ledger integers, without a float product on amounts beyond 2^53.
const ONE = 10n ** 18n;

/** p as an 18-decimal fixed-point integer, rounded down. */
export function shareScaled(p: number): bigint {
  if (p >= 1) return ONE;
  if (p <= 0) return 0n;
  return BigInt(Math.floor(p * 1e18));
}

/** floor(raw · p) for any sign of raw (a negative amount rounds away from zero: a debit rounded up). */
export function floorShare(raw: bigint, p: number): bigint {
  const n = raw * shareScaled(p);
  const q = n / ONE;
  return n < 0n && q * ONE !== n ? q - 1n : q;
}
