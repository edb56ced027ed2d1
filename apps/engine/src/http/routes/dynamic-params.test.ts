import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketData } from '../../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../../test-support/harness.js';

// The volatility scaler through the engine: the operator enrols ETH, oracle writes feed the price
// history, and a vol spike records a parameter version with reason auto that the engine margins with.

let t: TestEngine;
beforeAll(async () => {
  // The replayed price series spans the last 10 hours: observations that old must be accepted here.
  t = await startTestEngine('dynamic-params', { role: 'all', env: { MARKET_DATA_MAX_AGE_SECONDS: '86400' } });
});
afterAll(() => t.close());

const req = (method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) =>
  t.engine.app!.inject({
    method,
    url,
    headers: bearer(t.adminKey),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe('admin: dynamic parameters', () => {
  it('enrols an asset, follows oracle prices and records an auto version on a vol spike', async () => {
    expect((await req('GET', '/v1/admin/dynamic-params')).json()).toEqual({ policy: null, assets: [] });
    const policy = {
      halfLifeSeconds: 3600,
      intervalSeconds: 3600,
      maxStep: 0.25,
      baseParams: { preset: 'pmrm-2-mainnet' },
    };
    expect((await req('PUT', '/v1/admin/dynamic-params/policy', policy)).statusCode).toBe(200);
    const bad = await req('PUT', '/v1/admin/dynamic-params/assets/ETH', {
      mode: 'pinned',
      referenceVol: 0.6,
      floor: 1,
      cap: 2,
    });
    expect(bad.statusCode).toBe(400);
    const eth = { mode: 'auto', referenceVol: 0.6, floor: 1, cap: 1.5 };
    expect((await req('PUT', '/v1/admin/dynamic-params/assets/ETH', eth)).statusCode).toBe(200);

    const data = marketData();
    const start = Math.floor(Date.now() / 1000) - 10 * 3600;
    let spot = 2000;
    for (let i = 0; i <= 12; i++) {
      spot *= i % 2 === 0 ? 1.05 : 1 / 1.05;
      const body = { ...data, observedAt: start + i * 600, markets: { ETH: { ...data.markets.ETH, spot } } };
      expect((await req('PUT', '/v1/market-data', body)).statusCode).toBe(200);
    }
    const state = (await req('GET', '/v1/admin/dynamic-params')).json();
    expect(state.assets[0]).toMatchObject({ asset: 'ETH', mode: 'auto', scale: 1.25 });
    expect(state.assets[0].volatility).toBeGreaterThan(1.5 * 0.6);
    const versions = (await req('GET', '/v1/admin/params')).json().versions;
    expect(versions[0]).toMatchObject({ status: 'active', reason: 'auto', createdBy: 'dynamic-params' });
    const audit = (await req('GET', '/v1/admin/params/audit')).json().entries;
    expect(
      audit.filter((e: { reason: string }) => e.reason === 'auto').map((e: { action: string }) => e.action),
    ).toEqual(['activate', 'propose']);
  });
});
