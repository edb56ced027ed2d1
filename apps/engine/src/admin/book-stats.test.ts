import { describe, expect, it } from 'vitest';
import type { BookRow } from './book-rows.js';
import { binOf, bookHistogram, marginRatio, queryAccounts, summarizeBook } from './book-stats.js';

function row(id: string, equity: number, mm: number, extra: Partial<BookRow> = {}): BookRow {
  const mode = { initialRequirement: mm * 1.5, maintenanceRequirement: mm };
  return {
    accountId: id,
    computedAt: 1_000,
    equity,
    initialRequirement: mm * 1.5,
    maintenanceRequirement: mm,
    initialExcess: equity - mm * 1.5,
    maintenanceExcess: equity - mm,
    modes: {
      isolated: { initialRequirement: mm * 3, maintenanceRequirement: mm * 2 },
      cross: mode,
      portfolio: mode,
    },
    capitalEfficiency: 2,
    positions: 1,
    freshness: [],
    collateral: [],
    ...extra,
  };
}

describe('book stats', () => {
  it('margin ratio: 0 without requirement, infinite without equity', () => {
    expect(marginRatio(row('acc_a', 100, 50))).toBe(0.5);
    expect(marginRatio(row('acc_a', 100, 0))).toBe(0);
    expect(marginRatio(row('acc_a', -5, 10))).toBe(Number.POSITIVE_INFINITY);
    expect(marginRatio(row('acc_a', 100, 50), 'isolated')).toBe(1);
  });

  it('bins: half-open, the last one closed, outside values apart', () => {
    expect([0, 0.49, 0.5, 1, 1.01, -1, Number.POSITIVE_INFINITY].map((v) => binOf(v, 0, 1, 2))).toEqual([
      0, 0, 1, 1, 2, -1, 2,
    ]);
  });

  it('histogram and bin filter agree account for account', () => {
    const rows = [
      row('acc_a', 100, 10),
      row('acc_b', 100, 60),
      row('acc_c', 100, 95),
      row('acc_d', -1, 5),
      row('acc_e', 100, 250),
    ];
    const h = bookHistogram(rows, { metric: 'marginRatio', bins: 4, modes: ['portfolio'] });
    expect(h.edges).toEqual([0, 0.625, 1.25, 1.875, 2.5]);
    expect(h.series[0]).toEqual({ mode: 'portfolio', counts: [2, 1, 0, 1], overflow: 1 });
    const members = [0, 1, 2, 3, 4].map((bin) =>
      queryAccounts(rows, {
        sort: 'accountId',
        dir: 'asc',
        offset: 0,
        limit: 10,
        bin: { metric: 'marginRatio', mode: 'portfolio', bins: 4, bin },
      }).accounts.map((a) => a.accountId),
    );
    expect(members).toEqual([['acc_a', 'acc_b'], ['acc_c'], [], ['acc_e'], ['acc_d']]);
  });

  it('summary: liquidatable below maintenance, near at a ratio of 0.8 or more, staleness per chain', () => {
    const rows = [
      row('acc_a', 100, 10, { freshness: [{ chain: 'x', oldestObservedAt: 900, newestObservedAt: 950 }] }),
      row('acc_b', 100, 85),
      row('acc_c', 100, 120, { freshness: [{ chain: 'x', oldestObservedAt: 500, newestObservedAt: 990 }] }),
    ];
    const s = summarizeBook(rows, { nowSeconds: 1_000, staleAfterSeconds: 300, priceOf: () => 1 });
    expect([s.liquidatable, s.nearLiquidation]).toEqual([1, 1]);
    expect(s.chains).toEqual([{ chain: 'x', oldestObservedAt: 500, ageSeconds: 500, stale: true }]);
    expect(s.stale).toBe(true);
    expect(s.capitalEfficiency).toBeCloseTo(2, 12);
  });
});
