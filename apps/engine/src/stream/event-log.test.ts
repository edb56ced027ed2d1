import { createRedisConnection } from '@xmargin/jobs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_DOUBLES, type PackableMarginEvent, packMarginEvents } from '../margin/packed.js';
import { commandBatch } from '../redis/command-batch.js';
import { REDIS_URL_TEST } from '../test-support/harness.js';
import { openEventFeed } from './event-feed.js';
import {
  compareEventIds,
  createEventLogHub,
  type EventLogHub,
  eventsMissedSince,
  type LoggedEvent,
  lastEventId,
  logSideKeys,
  parseEntries,
  queueAppendEvents,
  readEventsAfter,
} from './event-log.js';
import type { MarginEvent } from './margin-events.js';

// The event log on real Redis: bounded appends, missed-window detection, replay then live with no gap.
let redis: Redis;
const key = `test-event-log-${Math.random().toString(16).slice(2, 10)}:log`;

const append = async (events: { n: number }[], maxLen = 10_000) => {
  const pipeline = redis.pipeline();
  queueAppendEvents(pipeline, key, maxLen, events);
  await pipeline.exec();
};
const all = async (after = '0-0') => {
  const out: LoggedEvent<{ n: number }>[] = [];
  for await (const page of readEventsAfter<{ n: number }>(redis, key, after, 7)) out.push(...page);
  return out;
};

beforeAll(() => {
  redis = new Redis(REDIS_URL_TEST, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await redis.del(key, `${key}:mirror`, ...logSideKeys(key));
  await redis.quit();
});

describe('event log', () => {
  it('orders ids as (ms, seq) pairs', () => {
    expect(compareEventIds('2-0', '10-0')).toBe(-1);
    expect(compareEventIds('5-10', '5-9')).toBe(1);
    expect(compareEventIds('5-9', '5-9')).toBe(0);
  });

  it('appends in server-side batches, in order, mirroring the selected ones with their ids', async () => {
    await redis.del(key, `${key}:mirror`);
    const events = Array.from({ length: 2_500 }, (_, n) => ({ n }));
    const pipeline = redis.pipeline();
    queueAppendEvents(pipeline, key, 10_000, events, {
      mirror: { key: `${key}:mirror`, when: (e) => e.n % 1_000 === 7 },
    });
    await pipeline.exec();
    const everything = await all();
    expect(everything.map((e) => e.event.n)).toEqual(events.map((e) => e.n));
    const mirrored = parseEntries<{ n: number }>(await redis.xrange(`${key}:mirror`, '-', '+'));
    expect(mirrored.map((e) => e.event.n)).toEqual([7, 1_007, 2_007]);
    // Each mirrored entry answers the event's id in the main log.
    expect(mirrored.map((e) => e.id)).toEqual([7, 1_007, 2_007].map((n) => everything[n]!.id));
  });

  it('events appended together share an entry yet keep their own consecutive ids, replayable from any of them', async () => {
    await redis.del(key);
    await append(Array.from({ length: 30 }, (_, n) => ({ n })));
    await append([{ n: 30 }]);
    await append(Array.from({ length: 5 }, (_, n) => ({ n: n + 31 })));
    // Three entries: 30 events, one, five.
    expect(await redis.xlen(key)).toBe(3);
    const everything = await all();
    expect(everything.map((e) => e.event.n)).toEqual(Array.from({ length: 36 }, (_, n) => n));
    const ids = everything.map((e) => e.id);
    expect(ids.every((id, i) => i === 0 || compareEventIds(ids[i - 1]!, id) < 0)).toBe(true);
    const [ms, seq] = ids[0]!.split('-');
    expect(ids.slice(0, 30)).toEqual(Array.from({ length: 30 }, (_, k) => `${ms}-${Number(seq) + k}`));
    expect(await lastEventId(redis, key)).toBe(ids[35]);
    // From the middle of an entry, its own last event, and the newest event.
    for (const from of [12, 29, 33, 35])
      expect((await all(ids[from]!)).map((e) => e.event.n)).toEqual(
        Array.from({ length: 35 - from }, (_, k) => from + 1 + k),
      );
    expect((await eventsMissedSince(redis, key, ids[12]!)).missed).toBe(false);
  });

  it('margin events stored packed and threshold events as JSON keep their order, ids and mirror', async () => {
    const log = `${key}:packed`;
    await redis.del(log, `${log}:mirror`, ...logSideKeys(log));
    const summary = (x: number) => ({
      equity: x,
      initialRequirement: 1,
      maintenanceRequirement: 0.5,
      initialExcess: x - 1,
      maintenanceExcess: x - 0.5,
      markToMarket: -x,
    });
    // 1,500 accounts' margin events, a threshold event after every 400th.
    const events: MarginEvent[] = [];
    for (let i = 0; i < 1_500; i++) {
      events.push({
        type: 'margin',
        accountId: `acc_${i}`,
        computedAt: 1_000 + i,
        summary: summary(i),
        ...(i % 2 ? { previous: summary(i + 0.5) } : {}),
        requestedAt: 900 + i,
      });
      if (i % 400 === 399)
        events.push({
          type: 'threshold',
          accountId: `acc_${i}`,
          computedAt: 1_000 + i,
          summary: summary(i),
          crossing: {
            metric: 'maintenanceExcess',
            threshold: 0,
            direction: 'down',
            previous: 1,
            current: -1,
          },
          requestedAt: 900 + i,
        });
    }
    const pipeline = redis.pipeline();
    queueAppendEvents(pipeline, log, 10_000, events, {
      mirror: { key: `${log}:mirror`, when: (e) => e.type === 'threshold' },
      packed: (e) => e.type === 'margin',
    });
    await pipeline.exec();
    const read: LoggedEvent<MarginEvent>[] = [];
    for await (const page of readEventsAfter<MarginEvent>(redis, log, '0-0')) read.push(...page);
    expect(read.map((e) => JSON.stringify(e.event))).toEqual(events.map((e) => JSON.stringify(e)));
    const ids = read.map((e) => e.id);
    expect(ids.every((id, i) => i === 0 || compareEventIds(ids[i - 1]!, id) < 0)).toBe(true);
    expect(await lastEventId(redis, log)).toBe(ids.at(-1));
    // Packed entries hold the numbers as bytes, 120 per event: neither JSON nor base64.
    const field = (f: Buffer[], name: string) =>
      f.find((_, k) => k % 2 === 1 && f[k - 1]!.toString() === name);
    const packed = (await redis.xrangeBuffer(log, '-', '+')).filter(([, f]) => field(f, 'q') !== undefined);
    expect(packed.length).toBe(4); // runs of 400, 400, 400 and 300 between the threshold events
    for (const [, f] of packed) expect(field(f, 'q')!.length).toBe(Number(field(f, 'n')!.toString()) * 120);
    // Read as text, those bytes are lost: their entries are skipped, never misread.
    expect(parseEntries<MarginEvent>(await redis.xrange(log, '-', '+')).map((e) => e.event)).toEqual(
      events.filter((e) => e.type === 'threshold'),
    );
    // An entry as written before the bytes (numbers in base64, field p) is still read.
    const legacy = `${log}:legacy`;
    const [accounts, bytes] = packMarginEvents(events.slice(0, 5) as PackableMarginEvent[]);
    await redis.xadd(legacy, '*', 'n', 5, 'a', accounts, 'p', bytes.toString('base64'));
    const old: LoggedEvent<MarginEvent>[] = [];
    for await (const page of readEventsAfter<MarginEvent>(redis, legacy, '0-0')) old.push(...page);
    expect(old.map((e) => e.event)).toEqual(events.slice(0, 5));
    await redis.del(legacy);
    // The same events packed into a caller's array holding other numbers and sent as a command batch
    // (a publish's slice): the same log.
    const batched = `${log}:batched`;
    const batch = commandBatch(redis);
    queueAppendEvents(batch, batched, 10_000, events, {
      mirror: { key: `${batched}:mirror`, when: (e) => e.type === 'threshold' },
      packed: (e) => e.type === 'margin',
      packInto: new Float64Array(events.length * EVENT_DOUBLES).fill(-1),
    });
    expect(await batch.settled()).toBeUndefined();
    const again: LoggedEvent<MarginEvent>[] = [];
    for await (const page of readEventsAfter<MarginEvent>(redis, batched, '0-0')) again.push(...page);
    expect(again.map((e) => e.event)).toEqual(read.map((e) => e.event));
    await redis.del(batched, `${batched}:mirror`, ...logSideKeys(batched));
    // An array without room for them is refused before anything is sent.
    const unsent = commandBatch(redis);
    expect(() =>
      queueAppendEvents(unsent, batched, 10_000, events, {
        packed: (e) => e.type === 'margin',
        packInto: new Float64Array(EVENT_DOUBLES),
      }),
    ).toThrow(RangeError);
    expect(await redis.exists(batched)).toBe(0);
    const mirrored = parseEntries<MarginEvent>(await redis.xrange(`${log}:mirror`, '-', '+'));
    expect(mirrored.map((e) => e.id)).toEqual(
      read.filter((e) => e.event.type === 'threshold').map((e) => e.id),
    );
    // Replay from inside a packed entry.
    const after: LoggedEvent<MarginEvent>[] = [];
    for await (const page of readEventsAfter<MarginEvent>(redis, log, ids[777]!)) after.push(...page);
    expect(after.map((e) => e.id)).toEqual(ids.slice(778));
    await redis.del(log, `${log}:mirror`, ...logSideKeys(log));
  });

  it('keeps the newest entries holding at most maxLen events, and repairs its entry sizes when the log was changed by hand', async () => {
    await redis.del(key, ...logSideKeys(key));
    const [sizes, count] = logSideKeys(key);
    let n = 0;
    const batch = (k: number) => Array.from({ length: k }, () => ({ n: n++ }));
    for (const k of [40, 1, 1, 30, 25, 1, 10]) await append(batch(k), 60);
    // 108 events appended; the newest entries holding at most 60: 25 + 1 + 10 (30 more would be 66).
    expect((await all()).map((e) => e.event.n)).toEqual(Array.from({ length: 36 }, (_, k) => 72 + k));
    expect(await redis.lrange(sizes, 0, -1)).toEqual(['25', '1', '10']);
    expect(await redis.get(count)).toBe('36');
    // An entry larger than maxLen alone is kept (the newest entry always is).
    await append(batch(80), 60);
    expect((await all()).map((e) => e.event.n)).toEqual(Array.from({ length: 80 }, (_, k) => 108 + k));
    expect(await redis.get(count)).toBe('80');
    // The log deleted by hand (its side keys left): counted again from what the log holds.
    await redis.del(key);
    await append(batch(3), 60);
    expect(await redis.lrange(sizes, 0, -1)).toEqual(['3']);
    expect(await redis.get(count)).toBe('3');
    // Entries the sizes list does not know (a log written before it) count as one event each: here the
    // entry of three and a single event written by hand.
    await redis.del(sizes, count);
    await redis.xadd(key, '*', 'e', JSON.stringify({ n: -1 }));
    await append(batch(2), 60);
    expect(await redis.lrange(sizes, 0, -1)).toEqual(['1', '1', '2']);
    expect(await redis.get(count)).toBe('4');
    expect((await all()).map((e) => e.event.n)).toEqual([188, 189, 190, -1, 191, 192]);
  });

  it('replays after an id in pages, and reports ids the trimmed log no longer covers', async () => {
    await redis.del(key);
    expect(await lastEventId(redis, key)).toBe('0-0');
    expect((await eventsMissedSince(redis, key, '0-0')).missed).toBe(false);
    await append(Array.from({ length: 20 }, (_, n) => ({ n })));
    const everything = await all();
    expect(everything.map((e) => e.event.n)).toEqual(Array.from({ length: 20 }, (_, n) => n));
    const fifth = everything[4]!.id;
    expect((await all(fifth)).map((e) => e.event.n)).toEqual(Array.from({ length: 15 }, (_, n) => n + 5));
    expect((await eventsMissedSince(redis, key, fifth)).missed).toBe(false);
    // An id newer than anything the log held (Redis lost its data, or another deployment's id).
    expect((await eventsMissedSince(redis, key, '99999999999999-0')).missed).toBe(true);
    // Trimmed to about 100 entries: the first ids are gone, so events after them may be too.
    await append(
      Array.from({ length: 600 }, (_, n) => ({ n: n + 20 })),
      100,
    );
    const kept = await all();
    expect(kept.length).toBeLessThan(620);
    const missed = await eventsMissedSince(redis, key, fifth);
    expect(missed).toEqual({ missed: true, oldestId: kept[0]!.id });
    expect((await eventsMissedSince(redis, key, kept[3]!.id)).missed).toBe(false);
  });

  it('a feed replays after the last id and then goes live: no gap and no duplicate under concurrent appends', async () => {
    await redis.del(key);
    await append(Array.from({ length: 50 }, (_, n) => ({ n })));
    const from = (await all())[9]!.id; // the subscriber saw events 0..9
    const hub: EventLogHub<{ n: number }> = await createEventLogHub(
      createRedisConnection(REDIS_URL_TEST),
      key,
    );
    const got: LoggedEvent<{ n: number }>[] = [];
    // Appends keep arriving while the feed opens and replays.
    const writer = (async () => {
      for (let i = 50; i < 250; i += 10) await append(Array.from({ length: 10 }, (_, j) => ({ n: i + j })));
    })();
    const feed = await openEventFeed<{ n: number }>({
      redis,
      key,
      hub,
      after: from,
      accept: (e) => e.n % 2 === 0,
      deliver: (e) => got.push(e),
    });
    expect(feed.missed).toBeUndefined();
    await feed.start();
    await writer;
    const expected = Array.from({ length: 240 }, (_, n) => n + 10).filter((n) => n % 2 === 0);
    await expect.poll(() => got.map((e) => e.event.n), { timeout: 10_000 }).toEqual(expected);
    const ids = got.map((e) => e.id);
    expect(ids.every((id, i) => i === 0 || compareEventIds(ids[i - 1]!, id) < 0)).toBe(true);
    feed.stop();
    await hub.close();
  });
  it('a hub without listeners reads no entries, and a fresh feed opened on it misses none', async () => {
    await redis.del(key);
    await append(Array.from({ length: 20 }, (_, n) => ({ n })));
    const name = `test-idle-hub-${Math.random().toString(16).slice(2, 8)}`;
    const hub: EventLogHub<{ n: number }> = await createEventLogHub(
      createRedisConnection(REDIS_URL_TEST, { name }),
      key,
      () => undefined,
      20,
    );
    // Idle while the log grows: its connection only ever asks for the newest id.
    for (let i = 20; i < 120; i += 10) {
      await append(Array.from({ length: 10 }, (_, j) => ({ n: i + j })));
      await new Promise((r) => setTimeout(r, 15));
    }
    const clients = (await redis.call('CLIENT', 'LIST')) as string;
    const hubClient = clients.split('\n').find((l) => l.includes(`name=${name} `));
    expect(hubClient).toMatch(/ cmd=xrevrange /);
    // A fresh subscriber (no Last-Event-ID) while appends go on: everything after its start, once.
    const writer = (async () => {
      for (let i = 120; i < 300; i += 10) {
        await append(Array.from({ length: 10 }, (_, j) => ({ n: i + j })));
        await new Promise((r) => setTimeout(r, 3));
      }
    })();
    const got: LoggedEvent<{ n: number }>[] = [];
    const feed = await openEventFeed<{ n: number }>({
      redis,
      key,
      hub,
      after: undefined,
      accept: () => true,
      deliver: (e) => got.push(e),
    });
    const fromN = (await all()).find((e) => e.id === feed.from)?.event.n ?? -1;
    await feed.start();
    await writer;
    const expected = Array.from({ length: 299 - fromN }, (_, k) => fromN + 1 + k);
    await expect.poll(() => got.map((e) => e.event.n), { timeout: 10_000 }).toEqual(expected);
    feed.stop();
    await hub.close();
  });
});
