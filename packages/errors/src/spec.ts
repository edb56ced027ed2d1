/** HTTP statuses an error may map to. Keep this list short: clients branch on `code`, not status. */
export type HttpStatus = 400 | 401 | 403 | 404 | 409 | 413 | 414 | 422 | 429 | 431 | 500 | 502 | 503 | 504;

/**
 * Declaration of one error code: its HTTP status, a one-line summary, and (as a phantom type)
 * the shape of the typed `context` every error with this code carries.
 */
export interface CodeSpec<Context extends object = Record<never, never>> {
  readonly status: HttpStatus;
  readonly summary: string;
  /** Phantom: never set at runtime, only carries the context type. */
  readonly __context?: Context;
}

/** Declares a code. `Context` is the typed context that `new AppError(code, ...)` requires. */
export function code<Context extends object = Record<never, never>>(
  status: HttpStatus,
  summary: string,
): CodeSpec<Context> {
  return { status, summary };
}
