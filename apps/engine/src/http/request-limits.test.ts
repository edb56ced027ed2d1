import { request as httpRequest } from 'node:http';
import { silentLogger } from '@xmargin/ops';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestEngine, type TestEngine } from '../test-support/harness.js';
import { buildApp } from './app.js';
import type { Principal } from './auth.js';
import { createMetrics } from './metrics.js';

let t: TestEngine;
let base: string;
let protocol: string;

beforeAll(async () => {
  t = await startTestEngine('limits', { env: { MAX_ACCOUNTS_PER_KEY: '2', MAX_STREAMS_PER_KEY: '1' } });
  protocol = await t.key('protocol', 'proto_l');
  base = await t.engine.listen(0);
});
afterAll(() => t.close());

/** A raw HTTP request (fetch refuses some of what these tests send). */
function raw(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('limits answer in the error envelope', () => {
  it('431 for oversized headers and 414 for an over-long path parameter, each with its code', async () => {
    const big = await raw('/v1/accounts/acc_x', { ...bearer(protocol), 'x-big': 'a'.repeat(20_000) });
    expect(big.status).toBe(431);
    expect(JSON.parse(big.body).error.code).toBe('API__HEADERS_TOO_LARGE');
    const long = await raw(`/v1/accounts/acc_${'a'.repeat(300)}`, bearer(protocol));
    expect(long.status).toBe(414);
    expect(JSON.parse(long.body).error.code).toBe('API__URI_TOO_LONG');
  });

  it('a reverify cursor beyond 64 bits is a 400, not a 500', async () => {
    const relayer = await t.key('relayer');
    const r = await t.engine.app!.inject({
      method: 'GET',
      url: '/v1/attestations/reverify-requests?after=18446744073709551616-0',
      headers: bearer(relayer),
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('API__INVALID_REQUEST');
    const max = await t.engine.app!.inject({
      method: 'GET',
      url: '/v1/attestations/reverify-requests?after=18446744073709551615-0',
      headers: bearer(relayer),
    });
    expect(max.statusCode).toBe(200);
  });

  it('a megabyte-long decimal string is refused by its length', async () => {
    await t.engine.app!.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: bearer(protocol),
      payload: { accountId: 'acc_l0' },
    });
    const r = await t.engine.app!.inject({
      method: 'POST',
      url: '/v1/accounts/acc_l0/margin/what-if',
      headers: bearer(protocol),
      payload: { collateral: [{ asset: 'USDC', chain: 'evm-devnet', delta: '9'.repeat(1_000_000) }] },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.context.issues[0]).toMatchObject({ path: '$.collateral[0].delta' });
  });
});

describe('per-key quotas', () => {
  it('caps the accounts a key creates (MAX_ACCOUNTS_PER_KEY)', async () => {
    const key = await t.key('protocol', 'proto_q');
    const create = (id: string) =>
      t.engine.app!.inject({
        method: 'POST',
        url: '/v1/accounts',
        headers: bearer(key),
        payload: { accountId: id },
      });
    expect((await create('acc_q1')).statusCode).toBe(201);
    expect((await create('acc_q2')).statusCode).toBe(201);
    const third = await create('acc_q3');
    expect(third.statusCode).toBe(403);
    expect(third.json().error).toMatchObject({
      code: 'API__QUOTA_EXCEEDED',
      context: { resource: 'accounts', limit: 2 },
    });
  });

  it('caps the margin streams a key holds open (MAX_STREAMS_PER_KEY), releasing closed ones', async () => {
    const first = new AbortController();
    const open = await fetch(`${base}/v1/stream/margin?accountId=acc_q1`, {
      headers: bearer(protocol),
      signal: first.signal,
    });
    expect(open.status).toBe(200);
    const second = await fetch(`${base}/v1/stream/margin?accountId=acc_q1`, { headers: bearer(protocol) });
    expect(second.status).toBe(403);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('API__QUOTA_EXCEEDED');
    first.abort();
    await open.body?.cancel().catch(() => undefined);
    let again: Response | undefined;
    for (let i = 0; i < 50; i++) {
      const c = new AbortController();
      again = await fetch(`${base}/v1/stream/margin?accountId=acc_q1`, {
        headers: bearer(protocol),
        signal: c.signal,
      });
      if (again.status === 200) {
        c.abort();
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(again?.status).toBe(200);
  });
});

describe('failed authentication and route costs', () => {
  const principal: Principal = { keyId: 'k1', name: 'genuine', role: 'protocol', scope: 'p' };
  async function limitedApp() {
    let lookups = 0;
    const app = await buildApp({
      findPrincipal: async (hash) => {
        lookups++;
        return hash === (await import('./auth.js')).hashApiKey('genuine-key') ? principal : null;
      },
      metrics: createMetrics(async () => undefined),
      bodyLimit: 1024,
      rateLimit: { perSecond: 1, burst: 100 },
      authFailureLimit: { perSecond: 1, burst: 10 },
      readiness: {},
      logger: silentLogger(),
      routes: (v1) => {
        v1.get('/accounts/:accountId/margin', { config: { roles: ['protocol'] } }, async () => ({
          ok: true,
        }));
        v1.post('/accounts/:accountId/margin/what-if', { config: { roles: ['protocol'] } }, async () => ({
          ok: true,
        }));
      },
    });
    return { app, lookups: () => lookups };
  }

  it('unknown keys from one address stop costing lookups after its failure burst; other clients are unaffected', async () => {
    const { app, lookups } = await limitedApp();
    const codes: number[] = [];
    for (let i = 0; i < 100; i++) {
      const r = await app.inject({
        method: 'GET',
        url: '/v1/accounts/acc_a/margin',
        headers: bearer(`random-${i}`),
        remoteAddress: '10.0.0.9',
      });
      codes.push(r.statusCode);
    }
    expect(codes.filter((c) => c === 401)).toHaveLength(10);
    expect(codes.filter((c) => c === 429)).toHaveLength(90);
    expect(lookups()).toBe(10);
    const genuine = await app.inject({
      method: 'GET',
      url: '/v1/accounts/acc_a/margin',
      headers: bearer('genuine-key'),
      remoteAddress: '10.0.0.10',
    });
    expect(genuine.statusCode).toBe(200);
    await app.close();
  });

  it('what-if costs more of the allowance than GET margin', async () => {
    const { app } = await limitedApp();
    const call = (method: 'GET' | 'POST', url: string) =>
      app.inject({ method, url, headers: bearer('genuine-key'), remoteAddress: '10.0.0.11' });
    let whatIfs = 0;
    while ((await call('POST', '/v1/accounts/acc_a/margin/what-if')).statusCode === 200) whatIfs++;
    expect(whatIfs).toBe(4); // burst 100 / cost 25
    const limited = await call('POST', '/v1/accounts/acc_a/margin/what-if');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('API__RATE_LIMITED');
    await app.close();
  });
});
