import { trustStoreToJson } from '@xmargin/attestation';
import { devnetTrustStore } from '@xmargin/attestation/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketData, waitFor } from '../../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../../test-support/harness.js';

let t: TestEngine;
let protocol: string;
beforeAll(async () => {
  t = await startTestEngine('admin', { role: 'all' });
  protocol = await t.key('protocol', 'proto_a');
});
afterAll(() => t.close());

const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, key = t.adminKey) =>
  t.engine.app!.inject({
    method,
    url,
    headers: bearer(key),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe('admin: API keys', () => {
  it('creates a key whose secret works once returned, lists without secrets, revokes', async () => {
    const created = await req('POST', '/v1/admin/api-keys', { name: 'desk', role: 'relayer' });
    expect(created.statusCode).toBe(201);
    const { id, secret } = created.json();
    const list = await req('GET', '/v1/admin/api-keys');
    expect(JSON.stringify(list.json())).not.toContain(secret);
    expect(list.json().keys.map((k: { id: string }) => k.id)).toContain(id);
    expect((await req('DELETE', `/v1/admin/api-keys/${id}`)).statusCode).toBe(200);
    const after = await req('GET', '/v1/market-data', undefined, secret);
    expect(after.statusCode).toBe(401);
    expect((await req('DELETE', '/v1/admin/api-keys/key_missing')).statusCode).toBe(404);
    const noScope = await req('POST', '/v1/admin/api-keys', { name: 'p', role: 'protocol' });
    expect(noScope.statusCode).toBe(400);
    expect(noScope.json().error.context.issues[0].path).toBe('$.scope');
  });

  it('every admin route refuses other roles', async () => {
    for (const [method, url] of [
      ['GET', '/v1/admin/api-keys'],
      ['GET', '/v1/admin/params'],
      ['GET', '/v1/admin/guardian-sets'],
      ['GET', '/v1/admin/attestation-registry'],
      ['GET', '/v1/admin/queues'],
      ['GET', '/v1/admin/margin/uncomputable'],
      ['GET', '/v1/admin/margin/near-liquidation'],
    ] as const) {
      const r = await req(method, url, undefined, protocol);
      expect(r.statusCode).toBe(403);
      expect(r.json().error.code).toBe('API__FORBIDDEN');
    }
  });
});

describe('admin: risk parameters', () => {
  it('proposes, diffs, activates (recomputing every account) and audits', async () => {
    await req('PUT', '/v1/market-data', marketData());
    await req('POST', '/v1/accounts', { accountId: 'acc_p1' }, protocol);
    const v1 = await req('POST', '/v1/admin/params', {
      params: { preset: 'pmrm-v1-mainnet' },
      note: 'baseline',
    });
    expect(v1.statusCode).toBe(201);
    expect(v1.json()).toMatchObject({ status: 'draft', note: 'baseline' });
    const v2 = await req('POST', '/v1/admin/params', {
      params: { preset: 'pmrm-v1-mainnet', overrides: { imFactor: 1.5 } },
    });
    const n1 = v1.json().version;
    const n2 = v2.json().version;
    const diff = await req('GET', `/v1/admin/params/${n2}/diff?against=${n1}`);
    expect(diff.json()).toEqual({
      from: n1,
      to: n2,
      changes: [{ path: 'overrides', before: null, after: { imFactor: 1.5 } }],
    });
    const act = await req('POST', `/v1/admin/params/${n2}/activate`);
    expect(act.statusCode).toBe(200);
    expect(act.json()).toMatchObject({ version: n2, status: 'active', recomputing: 1 });
    const snap = await waitFor(async () => {
      const v = await t.engine.context.marginCache.getView('acc_p1');
      return v && v.paramsVersion === n2 ? v : undefined;
    });
    expect(snap.paramsVersion).toBe(n2);
    const list = await req('GET', '/v1/admin/params');
    expect(list.json().versions.map((v: { version: number }) => v.version)).toEqual([n2, n1]);
    const audit = await req('GET', '/v1/admin/params/audit');
    expect(audit.json().entries.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['propose', 'activate']),
    );
    expect((await req('GET', '/v1/admin/params/999/diff')).statusCode).toBe(404);
    expect((await req('POST', '/v1/admin/params/999/activate')).statusCode).toBe(404);
  });

  it('rejects invalid parameters and unknown presets', async () => {
    const bad = await req('POST', '/v1/admin/params', { params: { imFactor: 'high' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('API__INVALID_REQUEST');
    const preset = await req('POST', '/v1/admin/params', { params: { preset: 'nope' } });
    expect(preset.statusCode).toBe(400);
    expect(preset.json().error.code).toBe('RISK__UNKNOWN_PRESET');
  });
});

describe('admin: guardian sets and emitters', () => {
  it('stores the trust store and the attestation registry', async () => {
    expect((await req('GET', '/v1/admin/guardian-sets')).statusCode).toBe(404);
    const json = trustStoreToJson(devnetTrustStore());
    const put = await req('PUT', '/v1/admin/guardian-sets', json);
    expect(put.statusCode).toBe(200);
    expect((await req('GET', '/v1/admin/guardian-sets')).json()).toEqual(json);
    const badUpgrade = await req('POST', '/v1/admin/guardian-sets/upgrades', { vaa: '0x0100000000' });
    expect(badUpgrade.statusCode).toBeGreaterThanOrEqual(400);
    expect(badUpgrade.json().error.code).toMatch(/^ATTESTATION__/);
    const registry = {
      emitters: [
        { kind: 'collateral', emitterChain: 2, emitterAddress: `0x${'ab'.repeat(20)}`, chain: 'evm-devnet' },
      ],
      tokens: [{ chain: 'evm-devnet', token: `0x${'cd'.repeat(20)}`, asset: 'USDC', decimals: 6 }],
      pythFeeds: [],
    };
    expect((await req('PUT', '/v1/admin/attestation-registry', registry)).statusCode).toBe(200);
    expect((await req('GET', '/v1/admin/attestation-registry')).json()).toEqual(registry);
    const invalid = await req('PUT', '/v1/admin/attestation-registry', {
      emitters: [{ kind: 'x' }],
      tokens: [],
    });
    expect(invalid.statusCode).toBe(400);
  });
});

describe('admin: queues', () => {
  it('shows queue depth and failed jobs; retries and discards them', async () => {
    const queue = t.engine.context.producers.queues['reverify-expiring'];
    // A payload no current producer writes: fails at once, without retry.
    const job = await queue.add('reverify-expiring', { horizonSeconds: -1 }, { attempts: 3 });
    await waitFor(async () => ((await job.isFailed()) ? true : undefined));
    const stats = await req('GET', '/v1/admin/queues');
    expect(stats.json().queues.find((q: { queue: string }) => q.queue === 'reverify-expiring').failed).toBe(
      1,
    );
    const failed = await req('GET', '/v1/admin/queues/reverify-expiring/failed');
    expect(failed.json().jobs).toEqual([expect.objectContaining({ id: String(job.id), attemptsMade: 1 })]);
    expect(failed.json().jobs[0].failedReason).toContain('QUEUE__INVALID_PAYLOAD');
    const retried = await req('POST', `/v1/admin/queues/reverify-expiring/failed/${job.id}/retry`);
    expect(retried.statusCode).toBe(200);
    await waitFor(async () => ((await job.isFailed()) ? true : undefined));
    expect((await req('DELETE', `/v1/admin/queues/reverify-expiring/failed/${job.id}`)).statusCode).toBe(200);
    expect((await req('GET', '/v1/admin/queues/reverify-expiring/failed')).json().jobs).toEqual([]);
    const gone = await req('POST', `/v1/admin/queues/reverify-expiring/failed/${job.id}/retry`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('QUEUE__JOB_NOT_FOUND');
    expect((await req('GET', '/v1/admin/queues/nope/failed')).statusCode).toBe(400);
  });
});
