import { describe, expect, it } from 'vitest';
import { keyFromHash } from './key.js';
import { hrefOf, parseRoute } from './route.js';

describe('routes', () => {
  it('every page has a link that parses back to it', () => {
    const routes = [
      { page: 'book' },
      { page: 'distribution' },
      { page: 'accounts' },
      { page: 'account', id: 'acc_alpha' },
      { page: 'collateral' },
      { page: 'params' },
      { page: 'queues' },
      { page: 'liquidations' },
      { page: 'auction', id: 'auc 1/x' },
      { page: 'stress' },
      { page: 'stress-run', id: 'stress_01' },
    ] as const;
    for (const r of routes) expect(parseRoute(hrefOf(r))).toEqual(r);
    expect(parseRoute('/console/nope')).toEqual({ page: 'not-found', path: 'nope' });
    expect(parseRoute('/console')).toEqual({ page: 'book' });
  });
  it('reads the key from the fragment only when it looks like a key', () => {
    expect(keyFromHash('#key=xm_admin_0123456789abcdef')).toBe('xm_admin_0123456789abcdef');
    expect(keyFromHash('#key=short')).toBeNull();
    expect(keyFromHash('')).toBeNull();
  });
});
