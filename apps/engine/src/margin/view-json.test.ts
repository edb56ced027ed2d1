import { describe, expect, it } from 'vitest';
import type { MarginEvent } from '../stream/margin-events.js';
import type { MarginView } from './margin-cache.js';
import type { MarginSummary } from './snapshot.js';
import { joinView, marginEventJson, summaryJson, viewLedgerJson, viewMarkJson } from './view-json.js';

// The hand-made serialisers must write exactly what JSON.stringify writes for the same records: the API
// parses these views and SSE / webhook subscribers parse these events.
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

describe('view and margin event JSON', () => {
  it('a view is stored as two parts that join back to exactly the view JSON.stringify writes', () => {
    for (let i = 0; i < 500; i++) {
      const v = view(i);
      const ledger = viewLedgerJson(v);
      const mark = viewMarkJson(v);
      // Each part is what JSON.stringify writes for the same fields.
      const { computedAt, asOf, summary: s, requestedAt, ...rest } = v;
      expect(ledger).toBe(JSON.stringify(rest));
      expect(mark).toBe(JSON.stringify({ computedAt, asOf, summary: s, requestedAt }));
      if (v.summary) expect(viewMarkJson(v, summaryJson(v.summary))).toBe(mark);
      expect(viewLedgerJson(v, JSON.stringify(v.freshness))).toBe(ledger);
      const joined = joinView(ledger, mark);
      expect(joined).toEqual(JSON.parse(JSON.stringify(v)));
      // Same keys in the same order: GET margin's answer is unchanged by the split.
      expect(JSON.stringify(joined)).toBe(JSON.stringify(v));
    }
  });

  it('a missing or foreign part joins to no view', () => {
    const v = view(1);
    const ledger = viewLedgerJson(v);
    const mark = viewMarkJson(v);
    expect(joinView(null, mark)).toBeNull();
    expect(joinView(ledger, null)).toBeNull();
    expect(joinView('not json', mark)).toBeNull();
    expect(joinView(ledger, 'null')).toBeNull();
    expect(joinView(ledger, JSON.stringify({ computedAt: 1 }))).toBeNull();
  });

  it('a summary with non-finite numbers is written as JSON writes it (null)', () => {
    const s = { ...summary(), equity: Number.NaN, markToMarket: Number.POSITIVE_INFINITY };
    expect(summaryJson(s)).toBe(JSON.stringify(s));
  });

  it('margin and threshold events are written as JSON.stringify writes them', () => {
    for (let i = 0; i < 500; i++) {
      const s = summary();
      const margin: MarginEvent = {
        type: 'margin',
        accountId: ids[i % ids.length]!,
        computedAt: 1_796_343_185_244 + i,
        summary: s,
        ...(i % 2 === 0 ? { previous: summary() } : {}),
        ...(i % 3 === 0 ? {} : { requestedAt: 1_796_343_185_240 + i }),
      };
      expect(marginEventJson(margin)).toBe(JSON.stringify(margin));
      expect(marginEventJson(margin, summaryJson(s))).toBe(JSON.stringify(margin));
      if (margin.previous)
        expect(marginEventJson(margin, summaryJson(s), summaryJson(margin.previous))).toBe(
          JSON.stringify(margin),
        );
      const threshold: MarginEvent = {
        type: 'threshold',
        accountId: margin.accountId,
        computedAt: margin.computedAt,
        summary: s,
        crossing: { metric: 'maintenanceExcess', threshold: 0, direction: 'down', previous: 1, current: -1 },
        requestedAt: 5,
      };
      expect(marginEventJson(threshold)).toBe(JSON.stringify(threshold));
    }
  });
});
