import { createRedisConnection } from '@xmargin/jobs';
import type { Command, Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { commandBatch } from '../redis/command-batch.js';
import { redisKeys } from '../redis-keys.js';
import { REDIS_URL_TEST } from '../test-support/harness.js';
import { createMarginCache, type MarginCache, type MarginView } from './margin-cache.js';
import { MARK_BYTES, packMarks } from './packed.js';
import { viewLedgerJson } from './view-json.js';

// The views' parts written as MSETs this process encodes (RESP) on real Redis: read back by GET
// margin's MGET as written, over several commands (a thousand accounts each), from a caller's buffer
// or one of their own, with keys and ledger parts that are not ASCII.
const tag = Math.random().toString(16).slice(2, 8);
let redis: Redis;

beforeAll(async () => {
  redis = createRedisConnection(REDIS_URL_TEST);
  await redis.ping();
});

afterAll(async () => {
  for (const pattern of [`test-cache-${tag}*`, `tést-cache-${tag}*`]) {
    const found = await redis.keys(pattern);
    if (found.length > 0) await redis.del(...found);
  }
  redis.disconnect();
});

const N = 2_500;
const ids = Array.from({ length: N }, (_, i) => `acc_cache_${i}${'x'.repeat(i % 50)}`);

function views(computedAt: number, scale: number): MarginView[] {
  return ids.map((accountId, i) => ({
    accountId,
    computedAt,
    asOf: 1_700_000_000,
    inputHash: `h${i}`,
    paramsVersion: 3,
    status: 'ok',
    summary: {
      equity: (1_000 + i) * scale,
      initialRequirement: 100.5 + i,
      maintenanceRequirement: 50.25 + i,
      initialExcess: (1_000 + i) * scale - 100.5 - i,
      maintenanceExcess: (1_000 + i) * scale - 50.25 - i,
      markToMarket: i / 7,
    },
    freshness: [],
    // Non-ASCII text in a ledger part: its length in bytes is not its length in characters.
    warnings:
      i % 3 === 0 ? [{ code: 'COLLATERAL_STALE', path: 'collateral', message: `vieux solde ${i} – é` }] : [],
    requestedAt: computedAt - 1,
  }));
}

const marksOf = (vs: readonly MarginView[]) => packMarks(vs);

/** The commands a write queued, written to Redis as a command batch. */
async function write(cache: MarginCache, texts: Parameters<MarginCache['queueSetParts']>[2]) {
  const batch = commandBatch(redis);
  const sent: Command[] = [];
  cache.queueSetParts(
    {
      sendCommand(command: Command) {
        sent.push(command);
        return batch.sendCommand(command);
      },
    },
    ids,
    texts,
  );
  expect(await batch.settled()).toBeUndefined();
  return sent;
}

for (const prefix of [`test-cache-${tag}`, `tést-cache-${tag}`]) {
  it(`writes both parts, then the mark parts alone, read back as written (keys under ${prefix})`, async () => {
    const cache = createMarginCache(redis, redisKeys(prefix));
    const first = views(1_700_000_000_000, 1);
    const into = Buffer.alloc(N * 1_000);
    const sent = await write(cache, {
      ledgers: first.map((v) => viewLedgerJson(v)),
      marks: marksOf(first),
      into,
    });
    // One MSET per thousand accounts, encoded into the caller's buffer.
    expect(sent.map((c) => c.name)).toEqual(['mset', 'mset', 'mset']);
    for (const c of sent) expect((c.toWritable(undefined as never) as Buffer).buffer).toBe(into.buffer);
    expect(await cache.getViews(ids)).toEqual(first);

    // A market move: the mark parts only, from a buffer too small for them (each command then gets one
    // of its own); the ledger parts stay as written.
    const moved = views(1_700_000_001_000, 1.01);
    const small = Buffer.alloc(10);
    const again = await write(cache, { ledgers: ids.map(() => null), marks: marksOf(moved), into: small });
    for (const c of again) expect((c.toWritable(undefined as never) as Buffer).buffer).not.toBe(small.buffer);
    expect(small.equals(Buffer.alloc(10))).toBe(true);
    expect(await cache.getViews(ids)).toEqual(moved);
    // The stored mark part is the packed bytes, no more.
    const keys = redisKeys(prefix);
    const raw = await redis.getBuffer(keys.marginViewMark(ids[1_234]!));
    expect(raw?.length).toBe(MARK_BYTES);
    expect(raw?.equals(marksOf([moved[1_234]!]))).toBe(true);
  });
}

it('refuses parts that do not match the accounts, before queueing anything', async () => {
  const prefix = `test-cache-${tag}-bad`;
  const cache = createMarginCache(redis, redisKeys(prefix));
  const vs = views(1_700_000_000_000, 1);
  const sent: Command[] = [];
  const batch = {
    sendCommand(c: Command) {
      sent.push(c);
      return this;
    },
  };
  expect(() =>
    cache.queueSetParts(batch, ids, {
      ledgers: ids.map(() => null),
      marks: marksOf(vs).subarray(MARK_BYTES),
    }),
  ).toThrow(RangeError);
  expect(() => cache.queueSetParts(batch, ids, { ledgers: [], marks: marksOf(vs) })).toThrow(RangeError);
  expect(sent).toEqual([]);
  expect(await redis.keys(`${prefix}*`)).toEqual([]);
});
