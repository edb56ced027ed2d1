import { AppError } from '@xmargin/errors';
import { abortableSleep, backoffDelay, parseRetryAfter } from './backoff.js';
import { classifyFetchError } from './classify-fetch-error.js';
import { type MapErrorResponse, mapErrorResponse } from './map-error-response.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpTransportOptions {
  /** Server origin, optionally with a path prefix, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** Bearer API key sent on every request. */
  readonly apiKey?: string;
  /** Injected fetch (defaults to the global one). */
  readonly fetch?: typeof fetch;
  /** Per-attempt timeout, headers and body included (default 10 s). */
  readonly timeoutMs?: number;
  /** Extra attempts after the first (default 3). */
  readonly retries?: number;
  /** Backoff base and cap (defaults 100 ms and 5 s). */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** A Retry-After longer than this is not waited for: the error is returned instead (default 30 s). */
  readonly maxRetryAfterMs?: number;
  /** Extra headers on every request (e.g. a user agent). */
  readonly headers?: Readonly<Record<string, string>>;
  /** How a non-2xx answer becomes an AppError (default: the xmargin error body). */
  readonly mapError?: MapErrorResponse;
  /** Called before each retry (metrics, logs). */
  readonly onRetry?: (info: RetryInfo) => void;
  /** Jitter source (tests pin it). */
  readonly random?: () => number;
}

export interface RetryInfo {
  readonly method: HttpMethod;
  readonly path: string;
  /** 1 for the first retry. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: AppError;
}

export interface HttpRequest {
  readonly method: HttpMethod;
  /** Path after the base URL, starting with `/`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** JSON body. */
  readonly body?: unknown;
  /**
   * Whether resending is harmless (default: GET, PUT and DELETE are; POST and PATCH are not).
   * Non-idempotent requests are retried only when the server cannot have acted on them:
   * 429, 503, or a connection that was never established.
   */
  readonly idempotent?: boolean;
  /** Non-2xx statuses answered as a value instead of thrown (e.g. 404 for "not yet"). */
  readonly accept?: readonly number[];
  /** Headers of this request only (e.g. `idempotency-key`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  readonly body: unknown;
}

export interface HttpTransport {
  readonly baseUrl: string;
  send(request: HttpRequest): Promise<HttpResponse>;
}

/** Statuses that say "not now" without the request having had an effect. */
const ALWAYS_RETRYABLE = new Set([429, 503]);
/** Gateway failures: the request may or may not have arrived, so only idempotent ones are resent. */
const IDEMPOTENT_RETRYABLE = new Set([502, 504]);

function buildUrl(baseUrl: string, path: string, query: HttpRequest['query']): string {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

async function readJson(res: Response, method: string, url: string): Promise<unknown> {
  const text = await res.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    if (!res.ok) return text;
    throw new AppError('CLIENT__INVALID_RESPONSE', {
      context: { method, url, status: res.status, reason: 'body is not JSON' },
      cause,
    });
  }
}

type Attempt =
  | { readonly ok: true; readonly response: HttpResponse }
  | {
      readonly ok: false;
      readonly error: AppError;
      readonly retryable: boolean;
      readonly retryAfterMs?: number;
    };

/**
 * JSON-over-HTTP with bearer auth, a per-attempt timeout, and retries with full-jitter exponential
 * backoff that honour `Retry-After`. Every failure is an AppError: the server's own code when it sent
 * a known one, otherwise a CLIENT__ code naming what went wrong.
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const retries = options.retries ?? 3;
  const baseMs = options.retryBaseMs ?? 100;
  const maxMs = options.retryMaxMs ?? 5_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const mapError = options.mapError ?? mapErrorResponse;
  const random = options.random ?? Math.random;

  async function attempt(request: HttpRequest, url: string, idempotent: boolean): Promise<Attempt> {
    const { method } = request;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...options.headers,
      ...request.headers,
    };
    if (options.apiKey !== undefined) headers.authorization = `Bearer ${options.apiKey}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    const where = url.split('?')[0] ?? url;
    try {
      const res = await doFetch(url, {
        method,
        headers,
        signal,
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
      const body = await readJson(res, method, where);
      if (res.ok || request.accept?.includes(res.status)) {
        return { ok: true, response: { status: res.status, headers: res.headers, body } };
      }
      const error = mapError({ method, url: where, status: res.status, body });
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      const retryable =
        ALWAYS_RETRYABLE.has(res.status) || (idempotent && IDEMPOTENT_RETRYABLE.has(res.status));
      return { ok: false, error, retryable, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    } catch (err) {
      if (err instanceof AppError && err.code === 'CLIENT__INVALID_RESPONSE') {
        return { ok: false, error: err, retryable: false };
      }
      const failure = classifyFetchError(err, {
        method,
        url: where,
        timeoutMs,
        callerAborted: request.signal?.aborted === true,
        timedOut: timeout.aborted,
      });
      const aborted = failure.error.code === 'CLIENT__ABORTED';
      return { ok: false, error: failure.error, retryable: !aborted && (idempotent || failure.notSent) };
    }
  }

  return {
    baseUrl: options.baseUrl,
    async send(request) {
      const url = buildUrl(options.baseUrl, request.path, request.query);
      const idempotent = request.idempotent ?? !['POST', 'PATCH'].includes(request.method);
      for (let n = 0; ; n++) {
        const result = await attempt(request, url, idempotent);
        if (result.ok) return result.response;
        if (!result.retryable || n >= retries) throw result.error;
        if (result.retryAfterMs !== undefined && result.retryAfterMs > maxRetryAfterMs) throw result.error;
        const delayMs = result.retryAfterMs ?? backoffDelay(n, { baseMs, maxMs, random });
        options.onRetry?.({
          method: request.method,
          path: request.path,
          attempt: n + 1,
          delayMs,
          error: result.error,
        });
        try {
          await abortableSleep(delayMs, request.signal);
        } catch (cause) {
          throw new AppError('CLIENT__ABORTED', {
            context: { method: request.method, url: url.split('?')[0] ?? url },
            cause,
          });
        }
      }
    },
  };
}
