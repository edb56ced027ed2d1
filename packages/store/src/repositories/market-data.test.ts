import { isAppError } from '@xmargin/errors';
import { expect, it } from 'vitest';
import { describeEachDriver } from '../../test/store-fixture.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

const ethMarket = (spot: number) => ({
  spot,
  spotConfidence: 1,
  perp: { price: spot + 1, confidence: 1 },
  expiries: [
    {
      expiry: 1674028800,
      forward: 2004.7545,
      forwardFixed: 0,
      forwardConfidence: 1,
      rate: 0.02,
      rateConfidence: 1,
      volConfidence: 1,
      defaultVol: 0.5,
      vols: [{ strike: 1400, vol: 0.5 }],
    },
  ],
});

describeEachDriver('marketData', ({ store }) => {
  it('versions documents and assembles the risk-input snapshot', async () => {
    const md = store().marketData;
    const u = `ETH${Math.random().toString(36).slice(2, 6)}`;
    const first = await md.put({ kind: 'market', key: u, doc: ethMarket(2000), source: 'admin:alice' });
    expect(first.record.version).toBe(1);
    const second = await md.put({ kind: 'market', key: u, doc: ethMarket(2100) });
    expect(second.applied).toBe(true);
    expect(second.record.version).toBe(2);
    expect((await md.get<{ spot: number }>('market', u))?.doc.spot).toBe(2100);
    await md.put({ kind: 'price', key: 'USDC', doc: { price: 1, confidence: 1 } });
    await md.put({ kind: 'stable', key: 'USD', doc: { price: 1, confidence: 1 } });
    const snap = await md.snapshot();
    expect(snap.markets[u]).toEqual(ethMarket(2100));
    expect(snap.prices.USDC).toEqual({ price: 1, confidence: 1 });
    expect(snap.stable).toEqual({ price: 1, confidence: 1 });
    expect(snap.updatedAt).toBeInstanceOf(Date);
    expect((await md.list('market')).some((r) => r.key === u)).toBe(true);
  });

  it('skips an update older than the stored observedAt (late oracle update)', async () => {
    const md = store().marketData;
    const key = `SOL${Math.random().toString(36).slice(2, 6)}`;
    await md.put({ kind: 'price', key, doc: { price: 150, confidence: 1 }, observedAt: 1000 });
    const late = await md.put({ kind: 'price', key, doc: { price: 140, confidence: 1 }, observedAt: 999 });
    expect(late.applied).toBe(false);
    expect(late.record.doc).toEqual({ price: 150, confidence: 1 });
    const fresh = await md.put({ kind: 'price', key, doc: { price: 151, confidence: 1 }, observedAt: 1001 });
    expect(fresh.applied).toBe(true);
    expect(fresh.record.observedAt).toBe(1001);
  });

  it('enforces expectedVersion (optimistic concurrency)', async () => {
    const md = store().marketData;
    const key = `BTC${Math.random().toString(36).slice(2, 6)}`;
    await md.put({ kind: 'market', key, doc: ethMarket(1), expectedVersion: 0 });
    expect(
      isAppError(
        await rejection(md.put({ kind: 'market', key, doc: {}, expectedVersion: 0 })),
        'LEDGER__CONFLICT',
      ),
    ).toBe(true);
    expect(
      isAppError(
        await rejection(md.put({ kind: 'market', key, doc: {}, expectedVersion: 5 })),
        'LEDGER__CONFLICT',
      ),
    ).toBe(true);
    expect(
      (await md.put({ kind: 'market', key, doc: ethMarket(2), expectedVersion: 1 })).record.version,
    ).toBe(2);
    expect(
      isAppError(
        await rejection(md.put({ kind: 'market', key: `${key}x`, doc: {}, expectedVersion: 1 })),
        'LEDGER__CONFLICT',
      ),
    ).toBe(true);
    expect(await md.get('market', `${key}x`)).toBeNull();
    expect(await md.remove('market', key)).toBe(true);
  });

  it('refuses documents that are not JSON', async () => {
    const err = await rejection(store().marketData.put({ kind: 'price', key: 'BAD', doc: { price: 1n } }));
    expect(isAppError(err, 'LEDGER__INVALID_INPUT')).toBe(true);
  });
});
