import { randomBytes } from 'node:crypto';
import { computeMargin, type MarginDocument, type ParamsSpec, resolveParams } from '@xmargin/risk';
import { dropSchema, openStore, type Store } from '@xmargin/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_URL_TEST } from '../test-support/harness.js';
import { AUTO_ACTOR, recordPrices, rescaleParams } from './rescale-params.js';

// Dynamic parameters end to end on real Postgres: a replayed ETH price series with a volatility spike
// goes into the price history, the EWMA state follows it, and hourly scaler rounds record parameter
// versions with reason `auto` whose haircuts and shocks rise within the operator's bounds.

const HOUR = 3600;
const T0 = Date.UTC(2026, 0, 1) / 1000;
const schema = `xm_dyn_${randomBytes(5).toString('hex')}`;
let store: Store;
beforeAll(async () => {
  store = await openStore({ url: DATABASE_URL_TEST, schema });
});
afterAll(async () => {
  await store?.close();
  await dropSchema(DATABASE_URL_TEST, schema);
});

const base: ParamsSpec = { preset: 'pmrm-2-mainnet' };
const margin = (params: ParamsSpec) =>
  computeMargin({
    version: 1,
    asOf: T0,
    params,
    prices: { USDC: { price: 1 } },
    markets: { ETH: { spot: 2000, perp: { price: 2000 } } },
    account: {
      cash: 2000,
      collateral: [
        { asset: 'ETH', amount: 1 },
        { asset: 'USDC', amount: 1000 },
      ],
      positions: [{ type: 'perp', underlying: 'ETH', quantity: -3, entryPrice: 2000 }],
    },
  } satisfies MarginDocument);

describe('dynamic parameters on a replayed vol spike', () => {
  it('records auto versions with haircuts rising within the bounds, and margins tighten', async () => {
    const dp = store.dynamicParams;
    await dp.setPolicy({
      halfLifeSeconds: 6 * HOUR,
      intervalSeconds: HOUR,
      maxStep: 0.25,
      baseParams: { preset: 'pmrm-2-mainnet' },
    });
    await dp.configureAsset({
      asset: 'ETH',
      mode: 'auto',
      referenceVol: 0.6,
      floor: 1,
      cap: 1.8,
      pinnedScale: null,
    });
    await dp.configureAsset({
      asset: 'USDC',
      mode: 'disabled',
      referenceVol: 0.05,
      floor: 1,
      cap: 3,
      pinnedScale: null,
    });
    const baseline = await store.riskParams.propose({ params: base, actor: 'operator' });
    await store.riskParams.activate({ version: baseline.version, actor: 'operator' });

    let price = 2000;
    const versions: number[] = [];
    // 36 quiet hours, then 18 hours of 3% swings every 5 minutes.
    for (let h = 1; h <= 54; h++) {
      const points = [];
      for (let m = 0; m < 12; m++) {
        const swing = h <= 36 ? 0.0011 : 0.0087;
        price *= Math.exp((h + m) % 2 === 0 ? swing : -swing);
        points.push({ asset: 'ETH', at: new Date((T0 + (h - 1) * HOUR + m * 300) * 1000), price });
        points.push({ asset: 'USDC', at: new Date((T0 + (h - 1) * HOUR + m * 300) * 1000), price: 1 });
      }
      await recordPrices(dp, points);
      const v = await store.transaction((tx) => rescaleParams(tx, new Date((T0 + h * HOUR) * 1000)));
      if (v) versions.push(v.version);
    }
    expect((await dp.prices('ETH')).length).toBe(54 * 12);
    const [eth] = (await dp.listAssets()).filter((a) => a.asset === 'ETH');
    expect(Math.sqrt(eth!.variance!)).toBeGreaterThan(1.8 * 0.6);
    expect(eth!.scale).toBe(1.8);

    // Three bounded steps then the cap: 1.25, 1.5625, 1.8 (1.953125 capped), no change while quiet.
    expect(versions).toHaveLength(3);
    const haircuts: number[] = [resolveParams(base).assets.ETH!.mmHaircut!];
    for (const n of versions) {
      const v = (await store.riskParams.get<ParamsSpec>(n))!;
      expect(v.reason).toBe('auto');
      expect(v.createdBy).toBe(AUTO_ACTOR);
      const p = resolveParams(v.params);
      haircuts.push(p.assets.ETH!.mmHaircut!);
      expect(p.assets.USDC).toEqual(resolveParams(base).assets.USDC);
    }
    const steps = haircuts.slice(1).map((h, i) => h / haircuts[i]!);
    for (const s of steps) {
      expect(s).toBeGreaterThan(1);
      expect(s).toBeLessThanOrEqual(1.25 + 1e-12);
    }
    expect(haircuts.at(-1)! / haircuts[0]!).toBeCloseTo(1.8, 12);

    const active = (await store.riskParams.getActive<ParamsSpec>())!;
    expect(active.version).toBe(versions.at(-1));
    const audit = await store.riskParams.audit({ limit: 20 });
    expect(audit.filter((a) => a.reason === 'auto').map((a) => a.action)).toEqual(
      expect.arrayContaining(['propose', 'activate']),
    );
    expect(audit.filter((a) => a.reason === 'auto' && a.action === 'activate')).toHaveLength(3);

    const before = margin(base);
    const after = margin(active.params);
    expect(after.maintenanceRequirement).toBeGreaterThan(before.maintenanceRequirement);
    expect(after.initialExcess).toBeLessThan(before.initialExcess);
  });

  it('a pinned asset holds its scale whatever the volatility', async () => {
    const dp = store.dynamicParams;
    await dp.configureAsset({
      asset: 'ETH',
      mode: 'pinned',
      referenceVol: 0.6,
      floor: 1,
      cap: 1.8,
      pinnedScale: 1.1,
    });
    const v = await rescaleParams(store, new Date((T0 + 100 * HOUR) * 1000));
    expect(v?.reason).toBe('auto');
    expect(resolveParams(v!.params as ParamsSpec).assets.ETH!.mmHaircut).toBeCloseTo(
      1.1 * resolveParams(base).assets.ETH!.mmHaircut!,
      12,
    );
    expect(await rescaleParams(store, new Date((T0 + 102 * HOUR) * 1000))).toBeNull();
  });
});
