import { expect, it } from 'vitest';
import { describeEachDriver } from '../../test/store-fixture.js';

describeEachDriver('cursors', ({ store }) => {
  it('sets, reads, rewinds and lists chain cursors', async () => {
    const chain = `c${Math.random().toString(36).slice(2, 8)}`;
    expect(await store().cursors.get(chain)).toBeNull();
    await store().cursors.set({ chain, height: 2n ** 53n + 1n, blockHash: '0xaa' });
    expect(await store().cursors.get(chain)).toMatchObject({
      chain,
      height: 2n ** 53n + 1n,
      blockHash: '0xaa',
    });
    await store().cursors.set({ chain, height: 5n, blockHash: '0xbb' });
    expect((await store().cursors.get(chain))?.height).toBe(5n);
    expect((await store().cursors.list()).some((c) => c.chain === chain)).toBe(true);
  });
});
