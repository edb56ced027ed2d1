import { AppError } from '@xmargin/errors';
import type { Logger } from 'pino';
import { errorCodeOf } from './create-logger.js';

export interface RetryUntilReadyParameters<T> {
  /** What is waited for, in log lines and the final error (`redis`, `postgres`). */
  readonly dependency: string;
  /** Where it is, without credentials (see `redactUrl`). */
  readonly target: string;
  /** One attempt, given the time left (ms); throws while the dependency is unreachable. */
  readonly attempt: (remainingMs: number) => Promise<T>;
  /** Gives up after this long (ms) since the first attempt. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** First pause between attempts, doubling up to `maxDelayMs`. */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Start-up wait for a dependency (Redis, Postgres): retries with backoff and one `warn` line per failed
 * attempt (`"<dependency> unreachable, retrying"` with the target, the error code and the time left),
 * then throws API__UNAVAILABLE naming it once `timeoutMs` has passed, instead of hanging or printing
 * raw client errors forever.
 */
export async function retryUntilReady<T>(params: RetryUntilReadyParameters<T>): Promise<T> {
  const started = Date.now();
  let delay = params.minDelayMs ?? 250;
  const maxDelay = params.maxDelayMs ?? 2_000;
  for (let attempt = 1; ; attempt++) {
    const remaining = params.timeoutMs - (Date.now() - started);
    try {
      return await params.attempt(Math.max(1, remaining));
    } catch (err) {
      const elapsedMs = Date.now() - started;
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      if (elapsedMs + delay >= params.timeoutMs) {
        throw new AppError('API__UNAVAILABLE', {
          context: { dependency: params.dependency },
          shortMessage: `${params.dependency} at ${params.target} unreachable for ${elapsedMs} ms (${attempt} attempts, last: ${message}); giving up`,
          ...(err instanceof Error ? { cause: err } : {}),
        });
      }
      params.logger.warn(
        {
          dependency: params.dependency,
          target: params.target,
          attempt,
          code: errorCodeOf(err),
          error: message,
          retryInMs: delay,
          giveUpInMs: params.timeoutMs - elapsedMs,
        },
        `${params.dependency} unreachable, retrying`,
      );
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(maxDelay, delay * 2);
    }
  }
}

/** A connection URL without its password (for logs and error messages). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}
