import { expect, it } from 'vitest';
import { describeEachDriver } from '../../test/store-fixture.js';

const perp = (quantity: number) => ({
  type: 'perp',
  underlying: 'ETH',
  quantity,
  entryPrice: 2000,
  funding: 0,
});

describeEachDriver('positions', ({ store, account }) => {
  it('replace only touches the calling protocol', async () => {
    const acc = await account();
    await store().positions.replace({
      protocol: 'alpha',
      account: acc,
      positions: [
        { positionId: 'p1', underlying: 'ETH', doc: perp(1) },
        { positionId: 'p2', underlying: 'ETH', doc: perp(2) },
      ],
    });
    await store().positions.replace({
      protocol: 'beta',
      account: acc,
      positions: [
        { positionId: 'p1', underlying: 'SOL', doc: { type: 'perp', underlying: 'SOL', quantity: -3 } },
      ],
    });
    // alpha replaces its book with one position: beta's p1 (same id!) must survive.
    await store().positions.replace({
      protocol: 'alpha',
      account: acc,
      positions: [{ positionId: 'p3', underlying: 'ETH', doc: perp(-1) }],
    });
    const all = await store().positions.listByAccount(acc);
    expect(all.map((p) => `${p.protocol}/${p.positionId}`)).toEqual(['alpha/p3', 'beta/p1']);
    expect(all[1]?.doc).toEqual({ type: 'perp', underlying: 'SOL', quantity: -3 });
    expect((await store().positions.listByProtocol('beta', acc)).map((p) => p.positionId)).toEqual(['p1']);
  });

  it('upsert and remove are scoped by protocol', async () => {
    const acc = await account();
    await store().positions.upsert({
      protocol: 'alpha',
      account: acc,
      position: { positionId: 'x', underlying: 'ETH', doc: perp(1) },
    });
    await store().positions.upsert({
      protocol: 'beta',
      account: acc,
      position: { positionId: 'x', underlying: 'ETH', doc: perp(5) },
    });
    await store().positions.upsert({
      protocol: 'alpha',
      account: acc,
      position: { positionId: 'x', underlying: 'ETH', doc: perp(2) },
    });
    expect(await store().positions.remove({ protocol: 'gamma', account: acc, positionId: 'x' })).toBe(false);
    const docs = await store().positions.listByAccount<{ quantity: number }>(acc);
    expect(docs.map((p) => `${p.protocol}:${p.doc.quantity}`)).toEqual(['alpha:2', 'beta:5']);
    expect(await store().positions.remove({ protocol: 'alpha', account: acc, positionId: 'x' })).toBe(true);
    expect((await store().positions.listByAccount(acc)).map((p) => p.protocol)).toEqual(['beta']);
  });

  it('reads several accounts in one query, each as listByAccount returns it', async () => {
    const a = await account();
    const b = await account();
    const none = await account();
    await store().positions.replace({
      protocol: 'beta',
      account: a,
      positions: [{ positionId: 'z', underlying: 'SOL', doc: perp(3) }],
    });
    await store().positions.replace({
      protocol: 'alpha',
      account: a,
      positions: [
        { positionId: 'p2', underlying: 'ETH', doc: perp(2) },
        { positionId: 'p1', underlying: 'ETH', doc: perp(1) },
      ],
    });
    await store().positions.upsert({
      protocol: 'alpha',
      account: b,
      position: { positionId: 'q', underlying: 'ETH', doc: perp(-1) },
    });
    const many = await store().positions.listByAccounts<{ quantity: number }>([a, b, none]);
    expect(many.get(a)).toEqual(await store().positions.listByAccount(a));
    expect(many.get(a)?.map((p) => `${p.protocol}/${p.positionId}`)).toEqual([
      'alpha/p1',
      'alpha/p2',
      'beta/z',
    ]);
    expect(many.get(b)?.map((p) => p.doc.quantity)).toEqual([-1]);
    expect(many.get(none)).toEqual([]);
  });

  it('finds accounts exposed to an underlying', async () => {
    const a = await account();
    const b = await account();
    const u = `U${a.slice(4, 10)}`;
    await store().positions.upsert({
      protocol: 'alpha',
      account: a,
      position: { positionId: '1', underlying: u, doc: {} },
    });
    await store().positions.upsert({
      protocol: 'alpha',
      account: b,
      position: { positionId: '1', underlying: 'OTHER', doc: {} },
    });
    expect(await store().positions.accountsWithUnderlyings([u])).toEqual([a]);
  });
});
