import { AppError, type AppErrorOptions, type ErrorCode, isErrorCode } from '@xmargin/errors';
import { errorBody } from '@xmargin/schemas/http';

/** A non-2xx answer, before it becomes an AppError. */
export interface ErrorResponse {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly body: unknown;
}

/** Turns a non-2xx answer into an AppError: the body's `code`, `context` and message where usable. */
export type MapErrorResponse = (res: ErrorResponse) => AppError;

function known(
  code: ErrorCode,
  options: { context: object; shortMessage: string; details: string },
): AppError {
  // The server's context is untyped JSON; it is the context its code declares, as the server built it.
  return new AppError(code, options as AppErrorOptions<ErrorCode>);
}

/**
 * Maps an error answer whose `code` is one this build knows (`isErrorCode`) to that code, so callers
 * branch with `isAppError(e, 'LEDGER__REPLAYED_ATTESTATION')` exactly as they would in-process.
 * Accepts both the engine's `{ error: { code, ... } }` body and the bare `{ code, message }` of
 * `AppError.toJSON()` (what the devnet guardians send). Anything else is CLIENT__HTTP_ERROR.
 */
export const mapErrorResponse: MapErrorResponse = ({ method, url, status, body }) => {
  const where = `${method} ${url} answered ${status}`;
  const wrapped = errorBody.safeParse(body);
  const bare =
    typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string'
      ? (body as { code: string; message?: unknown; details?: unknown; context?: unknown })
      : undefined;
  const e = wrapped.success ? wrapped.data.error : bare;
  if (e && isErrorCode(e.code)) {
    const context = typeof e.context === 'object' && e.context !== null ? e.context : {};
    const message = typeof e.message === 'string' && e.message.length > 0 ? e.message : where;
    const details = typeof e.details === 'string' ? `${e.details} (${where})` : where;
    return known(e.code, { context, shortMessage: message, details });
  }
  const serverCode = e ? String(e.code) : null;
  return new AppError('CLIENT__HTTP_ERROR', {
    context: { method, url, status, serverCode },
    shortMessage: `${where}${serverCode ? ` with unknown code ${serverCode}` : ''}`,
  });
};
