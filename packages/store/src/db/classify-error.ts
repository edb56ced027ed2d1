import { AppError, isAppError } from '@xmargin/errors';

interface DriverErrorShape {
  code?: unknown;
  table?: unknown;
  constraint?: unknown;
  detail?: unknown;
  message?: unknown;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
]);

/**
 * Maps a raw `pg` / PGlite error to a LEDGER__* AppError, once, at the driver (viem's getNodeError idea):
 * repositories and callers branch on codes, never on SQLSTATEs or socket errors.
 */
export function classifyDbError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as DriverErrorShape;
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const entity =
    typeof e.table === 'string' ? e.table : typeof e.constraint === 'string' ? e.constraint : 'row';
  const detail = typeof e.detail === 'string' ? e.detail : message;

  // 23505 unique_violation, 40001 serialization_failure, 40P01 deadlock_detected: another writer won.
  if (code === '23505' || code === '40001' || code === '40P01') {
    return new AppError('LEDGER__CONFLICT', {
      context: { entity, id: detail },
      details: message,
      cause: err,
    });
  }
  // 23503 foreign_key_violation: the row refers to something that does not exist (e.g. an unknown account).
  if (code === '23503') {
    return new AppError('LEDGER__NOT_FOUND', {
      context: { entity, id: detail },
      details: message,
      cause: err,
    });
  }
  // Class 22 data exception, 23502 not-null, 23514 check: the input does not fit the schema.
  if (code.startsWith('22') || code === '23502' || code === '23514') {
    return new AppError('LEDGER__INVALID_INPUT', {
      context: { field: entity, reason: message },
      details: detail,
      cause: err,
    });
  }
  // Class 08 connection exception, 57P0x shutdown, 53xxx insufficient resources, socket errors.
  if (
    CONNECTION_CODES.has(code) ||
    code.startsWith('08') ||
    code.startsWith('57P') ||
    code.startsWith('53') ||
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|PGlite is closed/i.test(
      message,
    )
  ) {
    return new AppError('LEDGER__UNAVAILABLE', { context: { reason: message }, cause: err });
  }
  return new AppError('LEDGER__QUERY_FAILED', {
    context: { sqlState: code || 'unknown' },
    details: message,
    cause: err,
  });
}
