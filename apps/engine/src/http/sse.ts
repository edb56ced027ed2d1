import type { ServerResponse } from 'node:http';
import { errorCodes } from '@xmargin/errors';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { type EventFeed, openEventFeed } from '../stream/event-feed.js';
import { type EventLogHub, isEventId, type LoggedEvent } from '../stream/event-log.js';

const HEARTBEAT_MS = 15_000;

/**
 * Where a reconnecting subscriber left off: the `Last-Event-ID` header (EventSource sends it), else the
 * `lastEventId` query parameter (validated by the route's schema). A malformed header cannot be replayed
 * from: it is answered as missed events, like an id older than the log keeps.
 */
export function lastEventIdOf(request: FastifyRequest, query: string | undefined): string | undefined {
  const header = request.headers['last-event-id'];
  const value = typeof header === 'string' && header.trim() !== '' ? header.trim() : query;
  return value;
}

export interface ServeEventStreamParameters<T> {
  readonly request: FastifyRequest;
  readonly res: ServerResponse;
  readonly redis: Redis;
  readonly key: string;
  readonly hub: EventLogHub<T>;
  readonly lastEventId: string | undefined;
  readonly accept: (event: T) => boolean;
  /** Writes one logged event (the route decides the SSE event names; `send` sets `id:`). */
  readonly write: (e: LoggedEvent<T>, send: (event: string, data: unknown) => void) => void;
  /** After the headers and any `missed` event, unless replaying (e.g. the current margin). */
  readonly opening?: (send: (event: string, data: unknown) => void) => Promise<void>;
  /** Open streams of the route, ended when the server closes. */
  readonly open: Set<() => void>;
}

/**
 * Serves an SSE stream over an event log: every message carries `id:` = its log entry id; a subscriber
 * reconnecting with its last id gets what it missed replayed, then live events. When the log no longer
 * holds events after that id, the stream opens with a `missed` event (code API__EVENTS_MISSED) and goes
 * on from the newest id. Comments keep idle proxies from closing it.
 */
export async function serveEventStream<T>(p: ServeEventStreamParameters<T>): Promise<void> {
  const { res } = p;
  const malformed = p.lastEventId !== undefined && !isEventId(p.lastEventId);
  let currentId = '';
  const sendRaw = (id: string, event: string, data: unknown) =>
    res.write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  let feed: EventFeed;
  try {
    feed = await openEventFeed<T>({
      redis: p.redis,
      key: p.key,
      hub: p.hub,
      after: malformed ? undefined : p.lastEventId,
      accept: p.accept,
      deliver: (e) => {
        currentId = e.id;
        p.write(e, (event, data) => sendRaw(e.id, event, data));
      },
    });
  } catch {
    // The reply is hijacked: the error handler cannot answer, so the stream answers the outage itself.
    res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' });
    res.end(
      JSON.stringify({
        error: {
          code: 'API__UNAVAILABLE',
          message: errorCodes.API__UNAVAILABLE.summary,
          context: { dependency: 'redis' },
        },
      }),
    );
    return;
  }
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\n\n');
  const missed =
    feed.missed ??
    (malformed ? { lastEventId: String(p.lastEventId).slice(0, 64), oldestId: null } : undefined);
  if (missed) {
    sendRaw(feed.from, 'missed', {
      code: 'API__EVENTS_MISSED',
      message: errorCodes.API__EVENTS_MISSED.summary,
      lastEventId: missed.lastEventId,
      oldestId: missed.oldestId,
    });
  }
  currentId = feed.from;
  // A replay goes on from where the subscriber was; a fresh (or gapped) one starts from the current state.
  if (p.opening && (p.lastEventId === undefined || missed))
    await p.opening((event, data) => sendRaw(currentId, event, data));
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const stop = () => {
    clearInterval(heartbeat);
    feed.stop();
    p.open.delete(end);
  };
  const end = () => {
    stop();
    res.end();
  };
  p.open.add(end);
  p.request.raw.on('close', stop);
  res.on('close', stop);
  try {
    await feed.start();
  } catch {
    // Redis failed mid-replay: end the stream; the client reconnects with its last id.
    end();
  }
}
