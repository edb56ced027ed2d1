import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestEngine, type TestEngine } from '../test-support/harness.js';

let t: TestEngine;
const logLines: string[] = [];
let protocolKey: string;

beforeAll(async () => {
  t = await startTestEngine('platform', {
    env: {
      RATE_LIMIT_PER_SECOND: '1',
      RATE_LIMIT_BURST: '3',
      BODY_LIMIT_BYTES: '2048',
      // Every route is probed without a key from one IP here; the per-IP limit on failed
      // authentication has its own tests (request-limits.test.ts).
      AUTH_FAILURES_BURST: '100000',
    },
    // Full request logging at trace level, captured, to prove no credential ever reaches a log line.
    config: { logger: { level: 'trace', stream: { write: (l: string) => void logLines.push(l) } } },
  });
  protocolKey = await t.key('protocol', 'proto_a');
});
afterAll(() => t.close());

const app = () => t.engine.app!;

describe('operations endpoints', () => {
  it('GET /healthz is public and ok', async () => {
    const r = await app().inject({ method: 'GET', url: '/healthz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz checks Redis and the database', async () => {
    const r = await app().inject({ method: 'GET', url: '/readyz' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ status: 'ready', checks: { redis: 'ok', database: 'ok' } });
  });

  it('GET /metrics exposes request latency, queue depth, job durations and verification failures', async () => {
    await app().inject({ method: 'GET', url: '/healthz' });
    const r = await app().inject({ method: 'GET', url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/text\/plain/);
    expect(r.body).toContain('xmargin_http_request_duration_seconds_bucket{');
    expect(r.body).toContain('route="/healthz"');
    expect(r.body).toContain('xmargin_queue_jobs{queue="reverify-expiring",state="waiting"} 0');
    expect(r.body).toContain('# TYPE xmargin_job_duration_seconds histogram');
    expect(r.body).toContain('# TYPE xmargin_verification_failures_total counter');
  });

  it('serves the OpenAPI document and the rendered docs', async () => {
    const r = await app().inject({ method: 'GET', url: '/openapi.json' });
    expect(r.statusCode).toBe(200);
    const doc = r.json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/accounts');
    expect(Object.keys(doc.paths)).toContain('/v1/accounts/{accountId}/addresses');
    const docs = await app().inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});

describe('the OpenAPI document', () => {
  const document = async () =>
    (await app().inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>>;
      components: { schemas?: Record<string, unknown> };
    };

  it('is a valid OpenAPI 3.1 document (real validator), every $ref resolving', async () => {
    const doc = await document();
    const result = await new Validator().validate(doc as unknown as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1] as string,
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) expect(doc.components.schemas, ref).toHaveProperty([ref]);
  });

  it('gives every operation a unique, stable operationId', async () => {
    const ops = Object.entries((await document()).paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, id: op.operationId })),
    );
    const ids = ops.map((o) => o.id);
    for (const o of ops) expect(o.id, `${o.method} ${o.path}`).toMatch(/^[a-z][A-Za-z0-9]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('getAccountsByAccountIdMargin');
    expect(ids).toContain('postAttestationsVaa');
    expect(ids).toContain('postWebhooks');
    expect(ids).toContain('getWebhooksByWebhookIdDeliveries');
  });

  it('declares the margin stream as text/event-stream', async () => {
    const op = (await document()).paths['/v1/stream/margin']?.get;
    expect(op?.responses?.['200']).toMatchObject({
      content: { 'text/event-stream': { schema: { type: 'string' } } },
    });
  });
});

describe('every /v1 route', () => {
  const sample: Record<string, string> = {
    accountId: 'acc_x',
    positionId: 'p1',
    version: '1',
    queue: 'reverify-expiring',
    jobId: 'job1',
    id: 'key_x',
  };
  const routes = async () => {
    const doc = (await app().inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    return Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => ({
          method: m.toUpperCase() as 'GET',
          url: path.replace(/\{(\w+)\}/g, (_, name: string) => sample[name] ?? 'x'),
        })),
      );
  };

  it('is documented in the OpenAPI document', async () => {
    const all = (await routes()).map((r) => `${r.method} ${r.url}`);
    expect(all.length).toBeGreaterThanOrEqual(30);
    for (const expected of [
      'POST /v1/accounts',
      'POST /v1/accounts/acc_x/positions',
      'PUT /v1/market-data',
      'POST /v1/attestations/vaa',
      'POST /v1/attestations/query',
      'POST /v1/attestations/pyth',
      'GET /v1/accounts/acc_x/margin',
      'POST /v1/accounts/acc_x/margin/what-if',
      'GET /v1/accounts/acc_x/margin/explain',
      'GET /v1/stream/margin',
      'POST /v1/admin/params/1/activate',
      'DELETE /v1/admin/queues/reverify-expiring/failed/job1',
      'POST /v1/webhooks',
      'GET /v1/webhooks',
      'GET /v1/webhooks/x',
      'DELETE /v1/webhooks/x',
      'GET /v1/webhooks/x/deliveries',
    ]) {
      expect(all).toContain(expected);
    }
  });

  it('answers 401 API__UNAUTHENTICATED without a key, before reading the body', async () => {
    for (const r of await routes()) {
      const withBody = r.method !== 'GET' && r.method !== 'DELETE';
      const res = await app().inject({ method: r.method, url: r.url, ...(withBody ? { payload: '{' } : {}) });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.json().error.code).toBe('API__UNAUTHENTICATED');
    }
  });
});

describe('errors, auth and limits', () => {
  it('unknown routes are API__NOT_FOUND', async () => {
    const r = await app().inject({ method: 'GET', url: '/v1/nope' });
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('API__NOT_FOUND');
  });

  it('401 without a key, with a malformed header, and with an unknown key', async () => {
    for (const headers of [{}, { authorization: 'Basic abc' }, bearer('xm_unknown_key_000000000000')]) {
      const r = await app().inject({ method: 'POST', url: '/v1/accounts', headers, payload: {} });
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('API__UNAUTHENTICATED');
    }
  });

  it('403 when the role may not call the route', async () => {
    const relayer = await t.key('relayer');
    const r = await app().inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: bearer(relayer),
      payload: {},
    });
    expect(r.statusCode).toBe(403);
    expect(r.json().error).toMatchObject({ code: 'API__FORBIDDEN', context: { role: 'relayer' } });
  });

  it('413 API__PAYLOAD_TOO_LARGE over the body limit', async () => {
    const r = await app().inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { ...bearer(t.adminKey), 'content-type': 'application/json' },
      payload: JSON.stringify({ accountId: 'acc_x', pad: 'x'.repeat(5000) }),
    });
    expect(r.statusCode).toBe(413);
    expect(r.json().error).toMatchObject({ code: 'API__PAYLOAD_TOO_LARGE', context: { limit: 2048 } });
  });

  it('400 API__INVALID_REQUEST for malformed JSON and for schema violations, naming the path', async () => {
    const bad = await app().inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: { ...bearer(t.adminKey), 'content-type': 'application/json' },
      payload: '{"accountId": ',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('API__INVALID_REQUEST');
    const invalid = await app().inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: bearer(t.adminKey),
      payload: { accountId: 'Not An Id' },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error).toMatchObject({
      code: 'API__INVALID_REQUEST',
      context: { part: 'body', issues: [{ path: '$.accountId' }] },
    });
  });

  it('429 API__RATE_LIMITED per key, with Retry-After; other keys are unaffected', async () => {
    const limited = await t.key('protocol', 'proto_rl');
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await app().inject({
        method: 'GET',
        url: '/v1/accounts/acc_missing',
        headers: bearer(limited),
      });
      codes.push(r.statusCode);
      if (r.statusCode === 429) {
        expect(r.json().error.code).toBe('API__RATE_LIMITED');
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
    }
    expect(codes.slice(0, 3)).toEqual([404, 404, 404]);
    expect(codes.slice(3)).toEqual([429, 429]);
    const other = await app().inject({
      method: 'GET',
      url: '/v1/accounts/acc_missing',
      headers: bearer(protocolKey),
    });
    expect(other.statusCode).toBe(404);
  });

  it('never writes an API key to the logs', async () => {
    await app().inject({ method: 'GET', url: '/v1/accounts/acc_missing', headers: bearer(protocolKey) });
    await app().inject({
      method: 'GET',
      url: '/v1/accounts/acc_missing',
      headers: bearer('xm_wrong_secret_1234567890'),
    });
    expect(logLines.length).toBeGreaterThan(0);
    const all = logLines.join('\n');
    for (const secret of [protocolKey, t.adminKey, 'xm_wrong_secret_1234567890'])
      expect(all).not.toContain(secret);
  });

  it('logs each request as JSON with its request id, given by the caller or generated, and answers it', async () => {
    const given = await app().inject({
      method: 'GET',
      url: '/v1/accounts/acc_missing',
      headers: { ...bearer(protocolKey), 'x-request-id': 'req-from-caller-1' },
    });
    expect(given.headers['x-request-id']).toBe('req-from-caller-1');
    const generated = await app().inject({ method: 'GET', url: '/healthz' });
    const id = String(generated.headers['x-request-id']);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const lines = logLines.map((l) => JSON.parse(l) as { reqId?: string; msg?: string; service?: string });
    for (const reqId of ['req-from-caller-1', id]) {
      const mine = lines.filter((l) => l.reqId === reqId);
      expect(mine.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
      expect(mine[0]?.service).toBe('engine');
    }
  });
});
