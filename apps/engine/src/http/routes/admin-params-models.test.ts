import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketData, waitFor } from '../../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../../test-support/harness.js';

// Parameter versions of either model (risk-model spec sections 6 and 9) and with per-underlying
// overrides are proposed, activated and used like any other version.

let t: TestEngine;
let protocol: string;
beforeAll(async () => {
  t = await startTestEngine('admin-params-models', { role: 'all' });
  protocol = await t.key('protocol', 'proto_m');
});
afterAll(() => t.close());

const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, key = t.adminKey) =>
  t.engine.app!.inject({
    method,
    url,
    headers: bearer(key),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe('admin: pmrm-2 and per-underlying parameter versions', () => {
  it('activates a pmrm-2-mainnet version with per-underlying overrides and margins with it', async () => {
    await req('PUT', '/v1/market-data', marketData());
    await req('POST', '/v1/accounts', { accountId: 'acc_m1' }, protocol);
    const proposed = await req('POST', '/v1/admin/params', {
      params: {
        preset: 'pmrm-2-mainnet',
        overrides: {
          staticDiscount: { long: { base: 0.95 }, short: { base: 1.04 } },
          underlyings: {
            SOL: {
              scenarios: [
                { spotShock: 1.3, vol: 'up' },
                { spotShock: 0.7, vol: 'up' },
              ],
            },
          },
        },
      },
      note: 'PMRM_2',
    });
    expect(proposed.statusCode).toBe(201);
    const version = proposed.json().version;
    const act = await req('POST', `/v1/admin/params/${version}/activate`);
    expect(act.statusCode).toBe(200);
    const snap = await waitFor(async () => {
      const s = await t.engine.context.marginCache.getView('acc_m1');
      return s && s.paramsVersion === version ? s : undefined;
    });
    expect(snap.paramsVersion).toBe(version);
  });

  it('rejects the other model shape and a preset model change with the offending path', async () => {
    const v1Shape = await req('POST', '/v1/admin/params', {
      params: { preset: 'pmrm-2-mainnet', overrides: { contingency: { basePercent: 0.1 } } },
    });
    expect(v1Shape.statusCode).toBe(400);
    expect(v1Shape.json().error.code).toBe('API__INVALID_REQUEST');
    expect(JSON.stringify(v1Shape.json().error.context.issues)).toContain('$.params.overrides.contingency');
    const skewUnderV1 = await req('POST', '/v1/admin/params', {
      params: { preset: 'pmrm-v1-mainnet', overrides: { underlyings: { ETH: { skew: { minKStar: 0.1 } } } } },
    });
    expect(skewUnderV1.statusCode).toBe(400);
  });
});
