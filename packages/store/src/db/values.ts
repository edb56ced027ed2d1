import { AppError } from '@xmargin/errors';

/** Drivers return NUMERIC/BIGINT as text (pg) or bigint/number (PGlite); this reads any of them exactly. */
export function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new AppError('LEDGER__QUERY_FAILED', {
    context: { sqlState: 'unknown' },
    details: `expected an integer column, got ${typeof value} ${String(value).slice(0, 40)}`,
  });
}

export function toNullableBigInt(value: unknown): bigint | null {
  return value === null || value === undefined ? null : toBigInt(value);
}

/** For columns that are small by construction (versions, unix seconds, decimals). */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  throw new AppError('LEDGER__QUERY_FAILED', {
    context: { sqlState: 'unknown' },
    details: `expected a numeric column, got ${typeof value}`,
  });
}

export function toNullableNumber(value: unknown): number | null {
  return value === null || value === undefined ? null : toNumber(value);
}

export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

export function toNullableDate(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}

function invalid(field: string, reason: string): AppError<'LEDGER__INVALID_INPUT'> {
  return new AppError('LEDGER__INVALID_INPUT', { context: { field, reason } });
}

const U256_MAX = (1n << 256n) - 1n;
const I64_MAX = (1n << 63n) - 1n;

/** Checks a raw on-chain amount before it reaches NUMERIC(78,0). */
export function checkU256(field: string, value: bigint): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > U256_MAX)
    throw invalid(field, 'expected a u256 bigint');
  return value;
}

/** Checks a height / ordinal before it reaches BIGINT. */
export function checkHeight(field: string, value: bigint): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > I64_MAX)
    throw invalid(field, 'expected a bigint in [0, 2^63)');
  return value;
}

export function checkNonEmpty(field: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(field, 'expected a non-empty string');
  return value;
}

export function checkFiniteNumber(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(field, 'expected a finite number');
  return value;
}

/**
 * Serializes a document for a `$n::jsonb` parameter. Explicit, because pg would turn a JS array into a
 * Postgres array, and a bigint inside a document has no JSON form.
 */
export function toJsonParam(field: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    throw new AppError('LEDGER__INVALID_INPUT', {
      context: {
        field,
        reason: `not JSON-serializable: ${err instanceof Error ? err.message : String(err)}`,
      },
      cause: err,
    });
  }
  if (text === undefined) throw invalid(field, 'not JSON-serializable');
  return text;
}
