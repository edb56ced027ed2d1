// The cash ledger counts micro stable units (6 decimals, as USDC): money is an integer everywhere but
// inside the risk engine. Conversions round in the direction that never favours the party paying.

export const CASH_DECIMALS = 6;
const SCALE = 10 ** CASH_DECIMALS;

/** Ledger units to the risk engine's stable-unit double. */
export function cashToNumber(raw: bigint): number {
  return Number(raw) / SCALE;
}

/** A positive amount someone pays, rounded up to the next micro unit. */
export function cashCeil(amount: number): bigint {
  return amount <= 0 ? 0n : BigInt(Math.ceil(amount * SCALE - 1e-6));
}

/** A positive amount someone receives out of a balance, rounded down. */
export function cashFloor(amount: number): bigint {
  return amount <= 0 ? 0n : BigInt(Math.floor(amount * SCALE + 1e-6));
}
