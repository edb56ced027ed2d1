import type { Redis } from 'ioredis';
import {
  EVENT_DOUBLES,
  type PackableMarginEvent,
  packMarginEvents,
  unpackMarginEvents,
} from '../margin/packed.js';
import type { ScriptQueue } from '../redis/command-batch.js';

/**
 * Durable event logs: bounded Redis streams that SSE subscribers replay from an event id
 * (`Last-Event-ID`) and the webhook dispatcher consumes through a consumer group. Every event has its own
 * id of the stream id form `<ms>-<seq>`, the same everywhere (SSE `id:`, webhook event id), in append
 * order. Events appended together share an entry: a single event is an entry holding its JSON in field
 * `e` (its id is the entry's id); several are one entry holding their count in `n` and either a JSON
 * array in `b` or, for a market move's margin events, their accounts in `a` and their numbers packed as
 * bytes in `q` (margin/packed.ts; entries written before held them as base64 in `p`, still read). The
 * log is read with Buffer replies, so that those bytes are not decoded as text. An entry's stream id is the first event's id, the next ones taking the following sequence numbers
 * (the script reserves them with XSETID, so the next entry's id is past the last of them). A market move
 * appends one event per exposed account: one entry per event cost Redis about 5 us per event (XADD and
 * its radix-tree node), most of what a move cost it.
 */
export interface LoggedEvent<T> {
  readonly id: string;
  readonly event: T;
}

const FIELD = 'e';
const COUNT_FIELD = 'n';
const BATCH_FIELD = 'b';
/** Packed margin events (margin/packed.ts): their accounts (JSON array) and numbers (bytes). */
const ACCOUNTS_FIELD = 'a';
const NUMBERS_FIELD = 'q';
/** The numbers as base64: how entries were written before `q` (read, no longer written). */
const BASE64_FIELD = 'p';
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

/** The id `k` places after an entry's id (`<ms>-<seq + k>`). */
function idAfter(entryId: string, k: number): string {
  if (k === 0) return entryId;
  const dash = entryId.indexOf('-');
  const seq = Number(entryId.slice(dash + 1));
  const next = seq + k;
  return `${entryId.slice(0, dash)}-${Number.isSafeInteger(next) ? next : (BigInt(entryId.slice(dash + 1)) + BigInt(k)).toString()}`;
}

// Run server-side per batch of entries. KEYS: the log, the mirror log, the log's entry sizes (a list,
// the events per entry, oldest first), the log's event count. ARGV: maxLen, then per entry: its event
// count, its number of field/value pairs and those pairs, the number of mirrored events, and per
// mirrored event its index in the entry and its JSON. A mirrored event is appended to the mirror log
// too, carrying its id in the log. The log keeps its newest entries holding at most maxLen events (at
// least the newest entry): the sizes list says what trimming an entry removes. A log whose sizes list
// does not match it (written before the list existed, or trimmed by hand) is repaired first: entries
// of unknown size count as one event. The mirror log (single events) is trimmed to about maxLen.
const APPEND_SCRIPT = `local len = redis.call('XLEN', KEYS[1])
local known = redis.call('LLEN', KEYS[3])
local total = tonumber(redis.call('GET', KEYS[4]) or '0')
if known ~= len then
  if known > len then redis.call('LTRIM', KEYS[3], known - len, -1) end
  for k = 1, len - known, 1000 do
    local ones = {}
    for x = 1, math.min(1000, len - known - k + 1) do ones[x] = 1 end
    redis.call('LPUSH', KEYS[3], unpack(ones))
  end
  total = 0
  for _, n in ipairs(redis.call('LRANGE', KEYS[3], 0, -1)) do total = total + tonumber(n) end
end
local i = 2
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  local nf = tonumber(ARGV[i + 1])
  local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, i + 2, i + 1 + 2 * nf))
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  seq = tonumber(seq)
  if n > 1 then redis.call('XSETID', KEYS[1], ms .. '-' .. string.format('%d', seq + n - 1)) end
  i = i + 2 + 2 * nf
  local m = tonumber(ARGV[i])
  for k = 0, m - 1 do
    local at = string.format('%d', seq + tonumber(ARGV[i + 1 + 2 * k]))
    redis.call('XADD', KEYS[2], '*', '${FIELD}', ARGV[i + 2 + 2 * k], '${ID_FIELD}', ms .. '-' .. at)
  end
  i = i + 1 + 2 * m
  redis.call('RPUSH', KEYS[3], n)
  total = total + n
end
local drop = 0
local left = redis.call('LLEN', KEYS[3])
while total > tonumber(ARGV[1]) and left - drop > 1 do
  total = total - tonumber(redis.call('LINDEX', KEYS[3], drop))
  drop = drop + 1
end
if drop > 0 then
  redis.call('LTRIM', KEYS[3], drop, -1)
  redis.call('XTRIM', KEYS[1], 'MAXLEN', left - drop)
end
redis.call('SET', KEYS[4], total)
if KEYS[2] ~= KEYS[1] then redis.call('XTRIM', KEYS[2], 'MAXLEN', '~', ARGV[1]) end
return 0`;
/** Events per entry (and per script call). */
const APPEND_BATCH = 1_000;

/** The keys a log keeps beside its stream (see APPEND_SCRIPT): delete them with it. */
export const logSideKeys = (key: string): readonly [sizes: string, count: string] => [
  `${key}:entry-sizes`,
  `${key}:event-count`,
];

export interface AppendOptions<T> {
  /** Events also appended to `mirror.key`, carrying their id in the log (`parseEntries` answers it). */
  readonly mirror?: { readonly key: string; readonly when: (event: T) => boolean };
  /**
   * Margin events without a crossing (margin/packed.ts), stored packed: runs of them share entries
   * holding their numbers rather than their JSON. Never mirrored.
   */
  readonly packed?: (event: T) => boolean;
  /**
   * Where to pack them (EVENT_DOUBLES per packed event): the commands' arguments are then views of it,
   * and the caller keeps it unchanged until the commands were answered. Without it each entry's
   * numbers get an array of their own.
   */
  readonly packInto?: Float64Array;
}

/**
 * Queues the events' appends on a pipeline, MULTI or command batch (the caller runs it): in order, up to a thousand
 * events per entry, keeping the newest entries that hold at most `maxLen` events (at least the newest).
 */
export function queueAppendEvents<T>(
  pipeline: ScriptQueue,
  key: string,
  maxLen: number,
  events: readonly T[],
  options: AppendOptions<T> = {},
): void {
  const { mirror, packed, packInto } = options;
  let packedAt = 0;
  const [sizes, count] = logSideKeys(key);
  let args: (string | number | Buffer)[] = [];
  let queued = 0;
  const flush = () => {
    if (args.length === 0) return;
    pipeline.eval(APPEND_SCRIPT, 4, key, mirror?.key ?? key, sizes, count, maxLen, ...args);
    args = [];
    queued = 0;
  };
  for (let i = 0; i < events.length; ) {
    const pack = packed?.(events[i]!) === true;
    let end = i + 1;
    while (end < events.length && end - i < APPEND_BATCH && (packed?.(events[end]!) === true) === pack) end++;
    const n = end - i;
    if (pack) {
      const into = packInto?.subarray(packedAt, packedAt + n * EVENT_DOUBLES);
      if (into !== undefined && into.length < n * EVENT_DOUBLES)
        throw new RangeError('queueAppendEvents: packInto has no room for the packed events');
      packedAt += n * EVENT_DOUBLES;
      const [ids, data] = packMarginEvents(events.slice(i, end) as unknown as PackableMarginEvent[], into);
      args.push(n, 3, COUNT_FIELD, n, ACCOUNTS_FIELD, ids, NUMBERS_FIELD, data, 0);
    } else {
      const bodies: string[] = [];
      const mirrored: (string | number)[] = [];
      for (let j = i; j < end; j++) {
        const e = events[j]!;
        const text = JSON.stringify(e);
        bodies.push(text);
        if (mirror?.when(e)) mirrored.push(j - i, text);
      }
      if (n === 1) args.push(1, 1, FIELD, bodies[0]!);
      else args.push(n, 2, COUNT_FIELD, n, BATCH_FIELD, `[${bodies.join(',')}]`);
      args.push(mirrored.length / 2, ...mirrored);
    }
    queued += n;
    if (queued >= APPEND_BATCH) flush();
    i = end;
  }
  flush();
}

/**
 * A stream entry as XRANGE / XREAD return it: its id and its field/value pairs, as Buffers (the
 * `*Buffer` commands: what reading a log holding packed events needs) or as strings.
 */
export type RawEntry = readonly [id: string | Buffer, fields: readonly (string | Buffer)[]];

const text = (v: string | Buffer): string => (typeof v === 'string' ? v : v.toString());

/** A field's value (the first with that name), undefined when absent. */
function fieldOf(fields: RawEntry[1], name: string): string | Buffer | undefined {
  for (let k = 0; k + 1 < fields.length; k += 2) if (text(fields[k]!) === name) return fields[k + 1];
  return undefined;
}

/** The packed events of an entry holding them (`q`, or `p` as written before), else undefined. */
function packedEvents(fields: RawEntry[1]): PackableMarginEvent[] | undefined {
  const bytes = fieldOf(fields, NUMBERS_FIELD);
  const base64 = bytes === undefined ? fieldOf(fields, BASE64_FIELD) : undefined;
  if (bytes === undefined && base64 === undefined) return undefined;
  // Bytes read as a string were decoded as UTF-8 by the reader, which loses them: not readable.
  if (typeof bytes === 'string') throw new Error('packed events read as text');
  const numbers = bytes ?? Buffer.from(text(base64!), 'base64');
  return unpackMarginEvents(text(fieldOf(fields, ACCOUNTS_FIELD) ?? ''), numbers);
}

/**
 * Parses XRANGE / XREAD entries into their events, oldest first; events at or before `after` are left
 * out (an entry holding several events may start before it). An entry not in this format (never
 * written by the engine) is skipped, and so is one holding packed events read as text (read the log
 * with Buffer replies).
 */
export function parseEntries<T>(entries: readonly RawEntry[], after?: string): LoggedEvent<T>[] {
  const out: LoggedEvent<T>[] = [];
  for (const [rawId, fields] of entries) {
    const id = text(rawId);
    try {
      const packed = packedEvents(fields);
      const batch = packed === undefined ? fieldOf(fields, BATCH_FIELD) : undefined;
      if (packed !== undefined || batch !== undefined) {
        const events = packed !== undefined ? (packed as unknown as T[]) : (JSON.parse(text(batch!)) as T[]);
        for (let k = 0; k < events.length; k++) {
          const eventId = idAfter(id, k);
          if (after === undefined || compareEventIds(eventId, after) > 0)
            out.push({ id: eventId, event: events[k]! });
        }
        continue;
      }
      const raw = fieldOf(fields, FIELD);
      if (raw === undefined) continue;
      const mirrored = fieldOf(fields, ID_FIELD);
      const eventId = mirrored === undefined ? id : text(mirrored);
      if (after === undefined || compareEventIds(eventId, after) > 0)
        out.push({ id: eventId, event: JSON.parse(text(raw)) as T });
    } catch {
      // Only this engine writes the log, in the format above.
    }
  }
  return out;
}

/** The id of an entry's last event. */
function lastIdOf([id, fields]: RawEntry): string {
  const count = fieldOf(fields, COUNT_FIELD);
  const n = count === undefined ? 1 : Number(text(count));
  return idAfter(text(id), Number.isSafeInteger(n) && n > 1 ? n - 1 : 0);
}

/** The newest event's id, or `0-0` for an empty (or absent) log. */
export async function lastEventId(redis: Redis, key: string): Promise<string> {
  const [newest] = await redis.xrevrangeBuffer(key, '+', '-', 'COUNT', 1);
  return newest ? lastIdOf(newest) : '0-0';
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
  const [oldest] = await redis.xrangeBuffer(key, '-', '+', 'COUNT', 1);
  const oldestId = oldest ? text(oldest[0]) : null;
  const newest = await lastEventId(redis, key);
  if (compareEventIds(id, newest) > 0) return { missed: true, oldestId };
  if (oldestId === null || compareEventIds(id, oldestId) >= 0) return { missed: false, oldestId };
  const info = (await redis.call('XINFO', 'STREAM', key)) as unknown[];
  const at = (name: string) => Number(info[info.indexOf(name) + 1]);
  return { missed: at('entries-added') > at('length'), oldestId };
}

/** Events strictly after `id`, in pages of up to `pageSize` entries, oldest first. */
export async function* readEventsAfter<T>(
  redis: Redis,
  key: string,
  id: string,
  pageSize = 100,
): AsyncGenerator<LoggedEvent<T>[]> {
  // The entry holding `id` may hold later events too.
  const [holding] = await redis.xrevrangeBuffer(key, id, '-', 'COUNT', 1);
  if (holding && compareEventIds(lastIdOf(holding), id) > 0) yield parseEntries<T>([holding], id);
  let after = id;
  for (;;) {
    const page = await redis.xrangeBuffer(key, `(${after}`, '+', 'COUNT', pageSize);
    if (page.length === 0) return;
    yield parseEntries<T>(page);
    after = text(page.at(-1)![0]);
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
        const reply = (await blocking.xreadBuffer('COUNT', 100, 'BLOCK', 5_000, 'STREAMS', key, cursor)) as
          | [Buffer, [Buffer, Buffer[]][]][]
          | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) continue;
        cursor = text(entries.at(-1)![0]);
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
