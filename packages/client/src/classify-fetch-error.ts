import { AppError } from '@xmargin/errors';

/** Node/undici error codes meaning the request never reached the server, so resending is always safe. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

export interface FetchFailure {
  readonly error: AppError<'CLIENT__NETWORK_ERROR' | 'CLIENT__TIMEOUT' | 'CLIENT__ABORTED'>;
  /** True when the server cannot have seen the request (connection refused, DNS failure). */
  readonly notSent: boolean;
}

function errorCode(err: unknown): string | undefined {
  // undici wraps the socket error: TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }).
  let current: unknown = err;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Classifies what `fetch` (or reading its body) threw, once, at the transport boundary: caller abort,
 * per-attempt timeout, or a network failure with its low-level code as the reason.
 */
export function classifyFetchError(
  err: unknown,
  ctx: { method: string; url: string; timeoutMs: number; callerAborted: boolean; timedOut: boolean },
): FetchFailure {
  const { method, url } = ctx;
  if (ctx.callerAborted) {
    return {
      error: new AppError('CLIENT__ABORTED', { context: { method, url }, cause: err }),
      notSent: false,
    };
  }
  if (ctx.timedOut) {
    return {
      error: new AppError('CLIENT__TIMEOUT', {
        context: { method, url, timeoutMs: ctx.timeoutMs },
        shortMessage: `${method} ${url} timed out after ${ctx.timeoutMs} ms`,
        cause: err,
      }),
      notSent: false,
    };
  }
  const code = errorCode(err);
  const reason = code ?? (err instanceof Error ? err.message : String(err));
  return {
    error: new AppError('CLIENT__NETWORK_ERROR', {
      context: { method, url, reason },
      shortMessage: `${method} ${url} failed: ${reason}`,
      cause: err,
    }),
    notSent: code !== undefined && NOT_SENT.has(code),
  };
}
