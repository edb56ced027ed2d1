import { describe, expect, it } from 'vitest';
import type { MarginEvent } from '../stream/margin-events.js';
import type { MarginView } from './margin-cache.js';
import {
  EVENT_DOUBLES,
  MARK_BYTES,
  MARK_DOUBLES,
  packedRequestedAt,
  packMarginEvents,
  packMarks,
  unpackMarginEvents,
  unpackMark,
  writeMark,
} from './packed.js';
import type { MarginSummary } from './snapshot.js';
import { joinView, viewLedgerJson } from './view-json.js';

// The stored forms of a view (its ledger part's hand-made JSON, its packed mark part) and of a move's
// margin events (packed) must read back as exactly what JSON.stringify writes for the same records:
// GET margin answers these views and SSE / webhook subscribers parse these events.
let seed = 7;
const rand = () => {
  seed = (seed * 16807) % 2147483647;
  return seed / 2147483647;
};
const numbers = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 123456.789, -98765.4321, Number.MAX_VALUE, 5e-324];
const anyNumber = () => (rand() < 0.3 ? numbers[Math.floor(rand() * numbers.length)]! : (rand() - 0.5) * 1e6);
const summary = (): MarginSummary => ({
  equity: anyNumber(),
  initialRequirement: anyNumber(),
  maintenanceRequirement: anyNumber(),
  initialExcess: anyNumber(),
  maintenanceExcess: anyNumber(),
  markToMarket: anyNumber(),
});
const ids = ['acc_1', 'acc "quoted" \\ back', 'acc_ünïcödé_’', 'acc\nnewline\u0001'];

function view(i: number): MarginView {
  const stale = i % 3 === 0;
  return {
    accountId: ids[i % ids.length]!,
    computedAt: 1_796_343_185_244 + i,
    asOf: 1_796_343_183,
    inputHash: 'ab'.repeat(32),
    paramsVersion: i % 4 === 0 ? null : i,
    status: stale ? 'stale' : 'ok',
    ...(stale
      ? { stale: { code: 'RISK__INVALID_INPUT', message: 'spot “NaN” ✗', since: 1_796_343_000_000 } }
      : {}),
    summary: i % 5 === 0 ? null : summary(),
    freshness:
      i % 2 === 0
        ? []
        : [
            { chain: 'evm-devnet', oldestObservedAt: 1, newestObservedAt: 2, trust: ['escrowed'] },
            { chain: 'solana-devnet', oldestObservedAt: 3, newestObservedAt: 4 },
          ],
    warnings:
      i % 7 === 0 ? [{ code: 'COLLATERAL_STALE', path: '$.account.collateral[0]', message: 'old "x"' }] : [],
    requestedAt: i % 6 === 0 ? 0 : 1_796_343_185_240 + i,
  };
}

describe('stored views and margin events', () => {
  it('a view is stored as two parts that join back to exactly the view JSON.stringify writes', () => {
    const views = Array.from({ length: 500 }, (_, i) => view(i));
    const marks = packMarks(views);
    const mark = (i: number) => marks.subarray(i * MARK_BYTES, (i + 1) * MARK_BYTES);
    for (const [i, v] of views.entries()) {
      const ledger = viewLedgerJson(v);
      // The ledger part is what JSON.stringify writes for its fields.
      const { computedAt, asOf, summary: s, requestedAt, ...rest } = v;
      expect(ledger).toBe(JSON.stringify(rest));
      expect(viewLedgerJson(v, JSON.stringify(v.freshness))).toBe(ledger);
      // Marks packed together are the marks packed alone.
      expect(mark(i)).toEqual(packMarks([v]));
      expect(unpackMark(mark(i))).toEqual({ computedAt, asOf, summary: s, requestedAt });
      const joined = joinView(ledger, mark(i));
      expect(joined).toEqual(v);
      // Same keys in the same order: GET margin's answer is unchanged by the split.
      expect(JSON.stringify(joined)).toBe(JSON.stringify(v));
    }
  });

  it('a missing or foreign part joins to no view', () => {
    const v = view(1);
    const ledger = viewLedgerJson(v);
    const mark = packMarks([v]);
    expect(joinView(null, mark)).toBeNull();
    expect(joinView(ledger, null)).toBeNull();
    expect(joinView('not json', mark)).toBeNull();
    expect(joinView(ledger, Buffer.from('null'))).toBeNull();
    // An older release's JSON mark part, a truncated one, one with a bad flag.
    const json = JSON.stringify({ computedAt: 1, asOf: 1, summary: null, requestedAt: 0 });
    expect(joinView(ledger, Buffer.from(json))).toBeNull();
    expect(joinView(ledger, mark.subarray(0, 72))).toBeNull();
    const bytes = Buffer.from(mark);
    bytes[72] = 7;
    expect(joinView(ledger, bytes)).toBeNull();
  });

  it('a mark part as the release before wrote it (base64 of 81 bytes) still joins', () => {
    const v = view(2);
    const ledger = viewLedgerJson(v);
    const mark = packMarks([v]);
    const base64 = Buffer.concat([mark, Buffer.from([0])]).toString('base64');
    expect(base64).toHaveLength(108);
    expect(joinView(ledger, Buffer.from(base64))).toEqual(v);
    // 108 bytes that are not such a mark: not base64, or not ending in the padding byte.
    expect(joinView(ledger, Buffer.from('!'.repeat(108)))).toBeNull();
    const padded = Buffer.concat([mark, Buffer.from([1])]).toString('base64');
    expect(joinView(ledger, Buffer.from(padded))).toBeNull();
  });

  it('non-finite numbers read back as null, as JSON writes them', () => {
    const s = { ...summary(), equity: Number.NaN, markToMarket: Number.POSITIVE_INFINITY };
    const mark = { computedAt: 1, asOf: 2, summary: s, requestedAt: 3 };
    expect(JSON.stringify(unpackMark(packMarks([mark])))).toBe(JSON.stringify(mark));
    expect(unpackMark(packMarks([mark]))?.summary?.equity).toBeNull();
  });

  it('margin events packed read back as exactly what JSON.stringify writes for them', () => {
    const events = Array.from({ length: 500 }, (_, i): MarginEvent & { type: 'margin' } => ({
      type: 'margin',
      accountId: ids[i % ids.length]!,
      computedAt: 1_796_343_185_244 + i,
      summary: summary(),
      ...(i % 2 === 0 ? { previous: summary() } : {}),
      ...(i % 3 === 0 ? {} : { requestedAt: 1_796_343_185_240 + i }),
    }));
    const [accounts, data] = packMarginEvents(events);
    const back = unpackMarginEvents(accounts, data);
    expect(back.map((e) => JSON.stringify(e))).toEqual(events.map((e) => JSON.stringify(e)));
    expect(back).toEqual(events);
    expect(() => unpackMarginEvents(accounts, data.subarray(0, 40))).toThrow(/do not match/);
    // What a follower waiting for changes reads: the same ids and requestedAt (0 where absent).
    expect([...packedRequestedAt(data)]).toEqual(events.map((e) => e.requestedAt ?? 0));
    expect(() => packedRequestedAt(data.subarray(0, 40))).toThrow(/not whole events/);
    // The bytes at any offset of a larger buffer (a Redis reply's), as a reader gets them.
    const reply = Buffer.concat([Buffer.from('$12345\r\n'), data]);
    expect(unpackMarginEvents(accounts, reply.subarray(8))).toEqual(events);
    expect([...packedRequestedAt(reply.subarray(8))]).toEqual(events.map((e) => e.requestedAt ?? 0));
    // Packed into an array that held other numbers (a publish's reused one, at an offset): the same
    // bytes, the missing `previous` written as zeros, not left from before.
    const into = new Float64Array(20 + events.length * EVENT_DOUBLES).fill(7);
    const [again, inPlace] = packMarginEvents(events, into.subarray(20));
    expect(again).toBe(accounts);
    expect(inPlace.equals(data)).toBe(true);
    expect(inPlace.buffer).toBe(into.buffer);
  });

  it('a mark without a summary is written as zeros where its numbers would be', () => {
    const f = new Float64Array(2 * MARK_DOUBLES).fill(7);
    writeMark(f, MARK_DOUBLES, 1, 2, 3, null);
    const bytes = Buffer.from(f.buffer, MARK_DOUBLES * 8, MARK_DOUBLES * 8);
    expect(bytes.equals(packMarks([{ computedAt: 1, asOf: 2, summary: null, requestedAt: 3 }]))).toBe(true);
    expect([...f.subarray(0, MARK_DOUBLES)]).toEqual(Array(MARK_DOUBLES).fill(7));
  });
});
