import type { ChainableCommander, Redis } from 'ioredis';

/**
 * Durable event logs: bounded Redis streams (XADD MAXLEN ~) that SSE subscribers replay from an entry
 * id (`Last-Event-ID`) and the webhook dispatcher consumes through a consumer group. An entry holds one
 * event, JSON in field `e`; its stream id is the event's id everywhere (SSE `id:`, webhook event id).
 */
export interface LoggedEvent<T> {
  readonly id: string;
  readonly event: T;
}

const FIELD = 'e';
/** In a mirror log: the event's id in the main log. */
const ID_FIELD = 'id';
const ID = /^(\d{1,20})-(\d{1,20})$/;

export const isEventId = (id: string): boolean => ID.test(id);

/** Stream ids compare as (ms, seq) pairs; -1, 0, 1. */
export function compareEventIds(a: string, b: string): number {
  const [, am = '0', as = '0'] = ID.exec(a) ?? [];
  const [, bm = '0', bs = '0'] = ID.exec(b) ?? [];
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

// One XADD per event, run server-side for a batch of events: a market move appends tens of thousands
// of events, and one client command per event cost about 4x as much (client command objects and
// replies) as the same XADDs in a script. Each event still gets its own entry and id. KEYS: the log,
// the mirror log; ARGV: maxLen, then (mirrored 0/1, event JSON) pairs. A mirrored event is appended to
// the mirror log too, carrying its id in the log. Both logs are trimmed once per batch.
const APPEND_SCRIPT = `for i = 2, #ARGV, 2 do
  local id = redis.call('XADD', KEYS[1], '*', '${FIELD}', ARGV[i + 1])
  if ARGV[i] == '1' then
    redis.call('XADD', KEYS[2], '*', '${FIELD}', ARGV[i + 1], '${ID_FIELD}', id)
  end
end
redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[1])
if KEYS[2] ~= KEYS[1] then redis.call('XTRIM', KEYS[2], 'MAXLEN', '~', ARGV[1]) end
return (#ARGV - 1) / 2`;
const APPEND_BATCH = 1_000;

/**
 * Queues the events' appends on a pipeline or MULTI (the caller runs it): one entry per event, in
 * order, trimming to about `maxLen`. Events `mirror.when` selects are also appended to `mirror.key`
 * carrying their id in `key` (`parseEntries` answers that id for them).
 */
export function queueAppendEvents<T>(
  pipeline: ChainableCommander,
  key: string,
  maxLen: number,
  events: readonly T[],
  mirror?: { readonly key: string; readonly when: (event: T) => boolean },
  /** The events' JSON when the caller made it already (same order); JSON.stringify otherwise. */
  texts?: readonly string[],
): void {
  for (let i = 0; i < events.length; i += APPEND_BATCH) {
    const args: string[] = [];
    for (let j = i; j < Math.min(events.length, i + APPEND_BATCH); j++) {
      const e = events[j]!;
      args.push(mirror?.when(e) ? '1' : '0', texts?.[j] ?? JSON.stringify(e));
    }
    pipeline.eval(APPEND_SCRIPT, 2, key, mirror?.key ?? key, maxLen, ...args);
  }
}

/** Parses XRANGE / XREAD entries; an entry not in this format (never written by the engine) is skipped. */
export function parseEntries<T>(entries: readonly [string, string[]][]): LoggedEvent<T>[] {
  const out: LoggedEvent<T>[] = [];
  for (const [id, fields] of entries) {
    const i = fields.indexOf(FIELD);
    const raw = i >= 0 && i % 2 === 0 ? fields[i + 1] : undefined;
    if (raw === undefined) continue;
    const j = fields.indexOf(ID_FIELD);
    const mainId = j >= 0 && j % 2 === 0 ? fields[j + 1] : undefined;
    try {
      out.push({ id: mainId ?? id, event: JSON.parse(raw) as T });
    } catch {
      // Only this engine writes the log, in the format above.
    }
  }
  return out;
}

/** The newest entry's id, or `0-0` for an empty (or absent) log. */
export async function lastEventId(redis: Redis, key: string): Promise<string> {
  const [newest] = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
  return newest?.[0] ?? '0-0';
}

/**
 * Whether events after `id` may be gone: the log was trimmed and its oldest entry is newer than `id`,
 * or `id` is newer than anything the log ever held (Redis lost its data, or another deployment's id).
 * Conservative: when `id` itself was the last trimmed entry nothing was lost, yet this says so.
 */
export async function eventsMissedSince(
  redis: Redis,
  key: string,
  id: string,
): Promise<{ readonly missed: boolean; readonly oldestId: string | null }> {
  const [oldest] = await redis.xrange(key, '-', '+', 'COUNT', 1);
  const oldestId = oldest?.[0] ?? null;
  const newest = await lastEventId(redis, key);
  if (compareEventIds(id, newest) > 0) return { missed: true, oldestId };
  if (oldestId === null || compareEventIds(id, oldestId) >= 0) return { missed: false, oldestId };
  const info = (await redis.call('XINFO', 'STREAM', key)) as unknown[];
  const at = (name: string) => Number(info[info.indexOf(name) + 1]);
  return { missed: at('entries-added') > at('length'), oldestId };
}

/** Entries strictly after `id`, in pages, oldest first. */
export async function* readEventsAfter<T>(
  redis: Redis,
  key: string,
  id: string,
  pageSize = 1_000,
): AsyncGenerator<LoggedEvent<T>[]> {
  let after = id;
  for (;;) {
    const page = await redis.xrange(key, `(${after}`, '+', 'COUNT', pageSize);
    if (page.length === 0) return;
    yield parseEntries<T>(page);
    after = page.at(-1)![0];
    if (page.length < pageSize) return;
  }
}

/**
 * Waits for a reader loop to end after its connection was disconnected, at most `ms`: a command queued
 * while the connection was reconnecting is never settled by ioredis's disconnect().
 */
export async function settledOrAfter(loop: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([loop, new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

export type EventLogListener<T> = (event: LoggedEvent<T>) => void;

/**
 * One blocking reader per API process and log (XREAD BLOCK on a dedicated connection), fanned out in
 * memory to every open stream; it starts after the log's newest entry and never skips one after that.
 * With no listener it reads no entries (a market move appends one per account: transferring and parsing
 * them for nobody cost an API process a fifth of a core): it only notes the newest id every
 * `idlePollMs`. A first listener wakes it from that id, which is never newer than anything the listener
 * read from the log afterwards, so nothing it was promised is skipped (an older entry is dropped by the
 * feed's id check).
 */
export interface EventLogHub<T> {
  subscribe(listener: EventLogListener<T>): () => void;
  readonly size: number;
  close(): Promise<void>;
}

export async function createEventLogHub<T>(
  blocking: Redis,
  key: string,
  onError: (err: unknown) => void = () => undefined,
  idlePollMs = 1_000,
): Promise<EventLogHub<T>> {
  const listeners = new Set<EventLogListener<T>>();
  let cursor = await lastEventId(blocking, key);
  let closed = false;
  let wake: (() => void) | undefined;
  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, idlePollMs);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  const loop = (async () => {
    while (!closed) {
      try {
        if (listeners.size === 0) {
          await idle();
          if (listeners.size > 0 || closed) continue;
          const newest = await lastEventId(blocking, key);
          // A listener that came during the read may have read an older newest id itself: keep ours.
          if (listeners.size === 0) cursor = newest;
          continue;
        }
        const reply = (await blocking.xread('COUNT', 1_000, 'BLOCK', 5_000, 'STREAMS', key, cursor)) as
          | [string, [string, string[]][]][]
          | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) continue;
        cursor = entries.at(-1)![0];
        for (const e of parseEntries<T>(entries)) for (const l of listeners) l(e);
      } catch (err) {
        if (closed) return;
        onError(err);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();
  return {
    subscribe(listener) {
      listeners.add(listener);
      wake?.();
      return () => listeners.delete(listener);
    },
    get size() {
      return listeners.size;
    },
    async close() {
      closed = true;
      listeners.clear();
      wake?.();
      blocking.disconnect();
      await settledOrAfter(loop, 1_000);
    },
  };
}
