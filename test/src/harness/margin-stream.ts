import { createXmarginClient } from '@xmargin/client';

export interface StreamEvent {
  readonly event: string;
  readonly data: unknown;
}

export interface MarginStream {
  /** Every event received so far. */
  events(): readonly StreamEvent[];
  /** Resolves with the first event (already received or future) matching `match`. */
  next(match: (e: StreamEvent) => boolean, timeoutMs?: number): Promise<StreamEvent>;
  close(): void;
}

/**
 * Subscribes to `GET /v1/stream/margin` (Server-Sent Events) through the typed client, as a protocol
 * would: resolves once the engine accepted the subscription, then collects `snapshot`, `margin` and
 * `threshold` events (their JSON data parsed) in the background.
 */
export async function openMarginStream(p: {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly accountId?: string;
  readonly thresholds?: readonly number[];
}): Promise<MarginStream> {
  const controller = new AbortController();
  const client = createXmarginClient({ baseUrl: p.baseUrl, apiKey: p.apiKey });
  const events = await client.stream.margin(
    {
      ...(p.accountId === undefined ? {} : { accountId: p.accountId }),
      ...(p.thresholds === undefined || p.thresholds.length === 0 ? {} : { thresholds: p.thresholds }),
    },
    { signal: controller.signal },
  );
  const received: StreamEvent[] = [];
  const waiters = new Set<{ match: (e: StreamEvent) => boolean; resolve: (e: StreamEvent) => void }>();
  void (async () => {
    try {
      for await (const raw of events) {
        let data: unknown;
        try {
          data = JSON.parse(raw.data);
        } catch {
          data = raw.data;
        }
        const e = { event: raw.event, data };
        received.push(e);
        for (const w of waiters) {
          if (w.match(e)) {
            waiters.delete(w);
            w.resolve(e);
          }
        }
      }
    } catch {
      // Aborted by close() or the server went away: the collected events stay readable.
    }
  })();
  return {
    events: () => received,
    next(match, timeoutMs = 30_000) {
      const found = received.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = {
          match,
          resolve: (e: StreamEvent) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(
              `no matching margin stream event within ${timeoutMs} ms; got: ${JSON.stringify(received)}`,
            ),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () => controller.abort(),
  };
}
