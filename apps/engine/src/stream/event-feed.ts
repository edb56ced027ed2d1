import type { Redis } from 'ioredis';
import {
  compareEventIds,
  type EventLogHub,
  eventsMissedSince,
  type LoggedEvent,
  lastEventId,
  readEventsAfter,
} from './event-log.js';

export interface OpenEventFeedParameters<T> {
  readonly redis: Redis;
  readonly key: string;
  readonly hub: EventLogHub<T>;
  /** The subscriber's `Last-Event-ID` (validated stream id), or undefined for a fresh subscription. */
  readonly after: string | undefined;
  /** Tenancy and subscription filter. */
  readonly accept: (event: T) => boolean;
  readonly deliver: (event: LoggedEvent<T>) => void;
}

export interface EventFeed {
  /** Where the feed starts: the `Last-Event-ID` replayed from, or the log's newest id at subscription. */
  readonly from: string;
  /** Set when `after` is older than the log retains (or unknown to it): events in between are gone. */
  readonly missed: { readonly lastEventId: string; readonly oldestId: string | null } | undefined;
  /** Replays what the log holds after `from`, then delivers live events: no gap, no duplicate. */
  start(): Promise<void>;
  stop(): void;
}

/**
 * Subscribes to the hub first (buffering), then reads the log: entries after the subscriber's last id
 * (replay) or the newest id (fresh); live entries at or before the last delivered id are dropped.
 */
export async function openEventFeed<T>(p: OpenEventFeedParameters<T>): Promise<EventFeed> {
  const buffered: LoggedEvent<T>[] = [];
  let live = false;
  let last = '0-0';
  const deliver = (e: LoggedEvent<T>) => {
    if (compareEventIds(e.id, last) <= 0) return;
    last = e.id;
    if (p.accept(e.event)) p.deliver(e);
  };
  const unsubscribe = p.hub.subscribe((e) => (live ? deliver(e) : buffered.push(e)));
  try {
    const newest = await lastEventId(p.redis, p.key);
    let missed: EventFeed['missed'];
    if (p.after !== undefined) {
      const check = await eventsMissedSince(p.redis, p.key, p.after);
      if (check.missed) missed = { lastEventId: p.after, oldestId: check.oldestId };
    }
    const from = p.after !== undefined && !missed ? p.after : newest;
    last = from;
    return {
      from,
      missed,
      async start() {
        if (p.after !== undefined && !missed)
          for await (const page of readEventsAfter<T>(p.redis, p.key, from)) for (const e of page) deliver(e);
        for (const e of buffered.splice(0)) deliver(e);
        live = true;
      },
      stop: unsubscribe,
    };
  } catch (err) {
    unsubscribe();
    throw err;
  }
}
