import { describe, expect, it } from 'vitest';
import { accountsQuery, pageCount } from './accounts-query.js';
import { queryString } from './api.js';

describe('accountsQuery', () => {
  it('maps table sorting and paging to the engine query', () => {
    expect(
      accountsQuery({
        sorting: [{ id: 'equity', desc: true }],
        pageIndex: 2,
        pageSize: 25,
        search: '  alp ',
      }),
    ).toEqual({ q: 'alp', sort: 'equity', dir: 'desc', offset: 50, limit: 25 });
  });
  it('defaults to closest to liquidation first and carries a histogram bin', () => {
    const q = accountsQuery({
      sorting: [],
      pageIndex: 0,
      pageSize: 10,
      search: '',
      bin: { metric: 'marginRatio', mode: 'cross', bins: 30, bin: 4 },
    });
    expect(queryString(q)).toBe(
      '?sort=maintenanceExcess&dir=asc&offset=0&limit=10&metric=marginRatio&mode=cross&bins=30&bin=4',
    );
  });
  it('counts at least one page', () => {
    expect(pageCount(0, 25)).toBe(1);
    expect(pageCount(51, 25)).toBe(3);
  });
});
