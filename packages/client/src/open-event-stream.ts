import { AppError } from '@xmargin/errors';
import { classifyFetchError } from './classify-fetch-error.js';
import { type MapErrorResponse, mapErrorResponse } from './map-error-response.js';
import { readEventStream, type ServerSentEvent } from './read-event-stream.js';

export interface OpenEventStreamParameters {
  readonly baseUrl: string;
  readonly apiKey?: string | undefined;
  readonly fetch?: typeof fetch | undefined;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** How long to wait for the response headers (the stream itself has no deadline). */
  readonly connectTimeoutMs?: number | undefined;
  readonly mapError?: MapErrorResponse | undefined;
  /** Aborting it closes the stream. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Opens a Server-Sent Events stream: resolves once the server accepted it (a refusal is the server's
 * AppError, e.g. API__FORBIDDEN), then yields events until the server ends it or `signal` aborts.
 * Streams are not retried: a subscriber reconnects and re-reads current state itself.
 */
export async function openEventStream(
  params: OpenEventStreamParameters,
): Promise<AsyncGenerator<ServerSentEvent>> {
  const url = new URL(`${params.baseUrl.replace(/\/+$/, '')}${params.path}`);
  for (const [k, v] of Object.entries(params.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  const where = `${url.origin}${url.pathname}`;
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (params.apiKey !== undefined) headers.authorization = `Bearer ${params.apiKey}`;
  const connectTimeoutMs = params.connectTimeoutMs ?? 10_000;
  const connect = new AbortController();
  const timer = setTimeout(() => connect.abort(new Error('connect timeout')), connectTimeoutMs);
  const signal = params.signal ? AbortSignal.any([params.signal, connect.signal]) : connect.signal;
  let res: Response;
  try {
    res = await (params.fetch ?? globalThis.fetch)(url, { method: 'GET', headers, signal });
  } catch (err) {
    throw classifyFetchError(err, {
      method: 'GET',
      url: where,
      timeoutMs: connectTimeoutMs,
      callerAborted: params.signal?.aborted === true,
      timedOut: connect.signal.aborted,
    }).error;
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: mapped as an unknown error body.
    }
    throw (params.mapError ?? mapErrorResponse)({ method: 'GET', url: where, status: res.status, body });
  }
  if (!res.body || !(res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    await res.body?.cancel();
    throw new AppError('CLIENT__INVALID_RESPONSE', {
      context: { method: 'GET', url: where, status: res.status, reason: 'not a text/event-stream' },
    });
  }
  return events(readEventStream(res.body), params.signal, where);
}

async function* events(
  source: AsyncGenerator<ServerSentEvent>,
  signal: AbortSignal | undefined,
  url: string,
): AsyncGenerator<ServerSentEvent> {
  try {
    yield* source;
  } catch (err) {
    // The caller closing the stream is its normal end, not a failure.
    if (signal?.aborted) return;
    throw classifyFetchError(err, { method: 'GET', url, timeoutMs: 0, callerAborted: false, timedOut: false })
      .error;
  }
}
