import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { Api } from './lib/api.js';
import { readEventStream } from './lib/sse.js';

export interface Session {
  readonly api: Api;
  readonly name: string;
  readonly role: 'admin' | 'operator';
  readonly canWrite: boolean;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider(props: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={props.session}>{props.children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

export interface LiveState {
  readonly connected: boolean;
  readonly events: number;
  readonly lastEventAt: number | null;
}

/**
 * One SSE stream of the engine, kept open while mounted: `onEvent` sees every event (by name), the
 * state counts them. Reconnects with a delay when the stream drops or is refused.
 */
export function useEventStream(
  api: Api,
  path: string,
  onEvent: (event: string) => boolean | undefined,
): LiveState {
  const [state, setState] = useState<LiveState>({ connected: false, events: 0, lastEventAt: null });
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const abort = new AbortController();
    const run = async () => {
      while (!abort.signal.aborted) {
        try {
          setState((s) => ({ ...s, connected: true }));
          await readEventStream(
            `/v1${path}`,
            api.key,
            (e) => {
              if (!handler.current(e.event)) return;
              setState((s) => ({ connected: true, events: s.events + 1, lastEventAt: Date.now() }));
            },
            abort.signal,
          );
        } catch {
          // Dropped or refused: shown as disconnected, retried below.
        }
        if (abort.signal.aborted) return;
        setState((s) => ({ ...s, connected: false }));
        await new Promise((r) => setTimeout(r, 3_000));
      }
    };
    void run();
    return () => abort.abort();
  }, [api, path]);
  return state;
}

/** Calls `fn` at most once per `ms`, at the end of the window (a burst of events, one refresh). */
export function useThrottled(fn: () => void, ms: number): () => void {
  const latest = useRef(fn);
  latest.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      latest.current();
    }, ms);
  }, [ms]);
}

/**
 * The whole book's margin stream (SSE): each burst of margin events refreshes the queries that show
 * book data, at most once per `throttleMs`.
 */
export function useLiveBook(api: Api, throttleMs = 1_000): LiveState {
  const client = useQueryClient();
  const refresh = useThrottled(() => void client.invalidateQueries({ queryKey: ['book'] }), throttleMs);
  return useEventStream(api, '/stream/margin', (event) => {
    if (event !== 'margin' && event !== 'threshold') return false;
    refresh();
    return true;
  });
}
