import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
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
 * The whole book's margin stream (SSE): each burst of margin events refreshes the queries that show
 * book data, at most once per `throttleMs`. Reconnects with a delay when the stream drops.
 */
export function useLiveBook(api: Api, throttleMs = 1_000): LiveState {
  const client = useQueryClient();
  const [state, setState] = useState<LiveState>({ connected: false, events: 0, lastEventAt: null });
  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let pending = false;
    const refresh = () => {
      if (pending) return;
      pending = true;
      timer = setTimeout(() => {
        pending = false;
        void client.invalidateQueries({ queryKey: ['book'] });
      }, throttleMs);
    };
    const run = async () => {
      while (!abort.signal.aborted) {
        try {
          setState((s) => ({ ...s, connected: true }));
          await readEventStream(
            '/v1/stream/margin',
            api.key,
            (e) => {
              if (e.event !== 'margin' && e.event !== 'threshold') return;
              setState((s) => ({ connected: true, events: s.events + 1, lastEventAt: Date.now() }));
              refresh();
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
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [api, client, throttleMs]);
  return state;
}
