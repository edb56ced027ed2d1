/** Math.min/max do not accept bigint. */
export const minBigInt = (a: bigint, b: bigint): bigint => (a <= b ? a : b);
export const maxBigInt = (a: bigint, b: bigint): bigint => (a >= b ? a : b);
