import { expect, it } from 'vitest';
import { describeEachDriver } from '../../test/store-fixture.js';

describeEachDriver('dynamicParams', ({ store }) => {
  it('keeps price history, the policy and each enrolled asset with its state', async () => {
    const dp = store().dynamicParams;
    const t0 = new Date('2026-01-01T00:00:00Z');
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    await dp.appendPrices([
      { asset: 'ETH', at: at(0), price: 2000 },
      { asset: 'ETH', at: at(60), price: 2010 },
      { asset: 'SOL', at: at(0), price: 150 },
    ]);
    await dp.appendPrices([{ asset: 'ETH', at: at(60), price: 9999 }]);
    expect((await dp.prices('ETH')).map((p) => p.price)).toEqual([2000, 2010]);
    expect((await dp.prices('ETH', at(30))).map((p) => p.at)).toEqual([at(60)]);

    expect(await dp.getPolicy()).toBeNull();
    const policy = {
      halfLifeSeconds: 21600,
      intervalSeconds: 3600,
      maxStep: 0.25,
      baseParams: { preset: 'pmrm-2-mainnet' },
    };
    await dp.setPolicy(policy);
    await dp.setPolicy({ ...policy, maxStep: 0.2 });
    expect(await dp.getPolicy()).toEqual({ ...policy, maxStep: 0.2 });

    await dp.configureAsset({
      asset: 'ETH',
      mode: 'auto',
      referenceVol: 0.6,
      floor: 1,
      cap: 2,
      pinnedScale: null,
    });
    await dp.saveState({
      asset: 'ETH',
      volPrice: 2010,
      volAt: at(60),
      variance: 0.5,
      scale: 1.25,
      scaleChangedAt: at(60),
    });
    // Pinning changes the mode and keeps the state.
    await dp.configureAsset({
      asset: 'ETH',
      mode: 'pinned',
      referenceVol: 0.6,
      floor: 1,
      cap: 2,
      pinnedScale: 1.1,
    });
    expect(await dp.listAssets()).toEqual([
      {
        asset: 'ETH',
        mode: 'pinned',
        referenceVol: 0.6,
        floor: 1,
        cap: 2,
        pinnedScale: 1.1,
        volPrice: 2010,
        volAt: at(60),
        variance: 0.5,
        scale: 1.25,
        scaleChangedAt: at(60),
      },
    ]);
  });

  it('records the reason of a parameter version and its audit rows', async () => {
    const rp = store().riskParams;
    const v = await rp.propose({ params: { preset: 'pmrm-2-mainnet' }, actor: 'scaler', reason: 'auto' });
    expect(v.reason).toBe('auto');
    await rp.activate({ version: v.version, actor: 'scaler', reason: 'auto' });
    const audit = await rp.audit({ version: v.version });
    expect(audit.map((a) => [a.action, a.reason])).toEqual([
      ['activate', 'auto'],
      ['propose', 'auto'],
    ]);
    const manual = await rp.propose({ params: { preset: 'pmrm-v1-mainnet' }, actor: 'alice' });
    expect(manual.reason).toBe('manual');
  });
});
