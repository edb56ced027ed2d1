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
 * Subscribes to `GET /v1/stream/margin` (Server-Sent Events) as a protocol would, with plain fetch:
 * resolves once the server answered 200, then collects `snapshot`, `margin` and `threshold` events.
 */
export async function openMarginStream(p: {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly accountId?: string;
  readonly thresholds?: readonly number[];
}): Promise<MarginStream> {
  const query = new URLSearchParams();
  if (p.accountId !== undefined) query.set('accountId', p.accountId);
  if (p.thresholds !== undefined && p.thresholds.length > 0) query.set('thresholds', p.thresholds.join(','));
  const controller = new AbortController();
  const res = await fetch(`${p.baseUrl}/v1/stream/margin?${query}`, {
    headers: { authorization: `Bearer ${p.apiKey}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  if (res.status !== 200 || !res.body) {
    const text = await res.text().catch(() => '');
    throw new Error(`margin stream answered ${res.status}: ${text}`);
  }
  const received: StreamEvent[] = [];
  const waiters = new Set<{ match: (e: StreamEvent) => boolean; resolve: (e: StreamEvent) => void }>();
  const dispatch = (block: string) => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (data.length === 0) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.join('\n'));
    } catch {
      parsed = data.join('\n');
    }
    const e = { event, data: parsed };
    received.push(e);
    for (const w of waiters) {
      if (w.match(e)) {
        waiters.delete(w);
        w.resolve(e);
      }
    }
  };
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          dispatch(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
          cut = buffer.indexOf('\n\n');
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
