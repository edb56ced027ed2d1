import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAppError } from '@xmargin/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { createXmarginClient } from './create-xmargin-client.js';
import { createHttpTransport, type RetryInfo } from './http-transport.js';

// A node:http server standing in for the engine: these tests are about transport behaviour only
// (retries, Retry-After, timeouts, error mapping); the routes are tested against the real engine.
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Handler = (req: Seen, res: ServerResponse, n: number) => void;

const servers: { close(): Promise<void> }[] = [];

async function serve(handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
    seen.push(s);
    handler(s, res, seen.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const fast = { retryBaseMs: 1, retryMaxMs: 5 };

describe('createHttpTransport', () => {
  it('sends the bearer key and JSON body, and parses the JSON answer', async () => {
    const { url, seen } = await serve((_req, res) => json(res, 201, { ok: true }));
    const t = createHttpTransport({ baseUrl: `${url}/`, apiKey: 'xm_secret' });
    const res = await t.send({
      method: 'POST',
      path: '/v1/things',
      body: { a: 1 },
      query: { x: 'y', z: undefined },
    });
    expect(res).toMatchObject({ status: 201, body: { ok: true } });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/things?x=y', body: '{"a":1}' });
    expect(seen[0]?.headers.authorization).toBe('Bearer xm_secret');
    expect(seen[0]?.headers['content-type']).toBe('application/json');
  });

  it('waits for Retry-After on 429 and then succeeds, even for a POST', async () => {
    const { url, seen } = await serve((_req, res, n) =>
      n === 1
        ? json(
            res,
            429,
            { error: { code: 'API__RATE_LIMITED', message: 'slow down' } },
            { 'retry-after': '1' },
          )
        : json(res, 200, { done: n }),
    );
    const retries: RetryInfo[] = [];
    const t = createHttpTransport({ baseUrl: url, ...fast, onRetry: (i) => retries.push(i) });
    const started = performance.now();
    const res = await t.send({ method: 'POST', path: '/x', body: {} });
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(res.body).toEqual({ done: 2 });
    expect(seen).toHaveLength(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ attempt: 1, delayMs: 1000 });
    expect(isAppError(retries[0]?.error, 'API__RATE_LIMITED')).toBe(true);
  });

  it('retries 503 for any method but 502 only for idempotent requests', async () => {
    const five03 = await serve((_req, res, n) => (n < 3 ? json(res, 503, {}) : json(res, 200, { n })));
    const t503 = createHttpTransport({ baseUrl: five03.url, ...fast });
    expect((await t503.send({ method: 'POST', path: '/p' })).body).toEqual({ n: 3 });

    const five02 = await serve((_req, res) => json(res, 502, {}));
    const t502 = createHttpTransport({ baseUrl: five02.url, ...fast, retries: 2 });
    const post = await t502.send({ method: 'POST', path: '/p' }).catch((e: unknown) => e);
    expect(isAppError(post, 'CLIENT__HTTP_ERROR')).toBe(true);
    expect(five02.seen).toHaveLength(1);
    const get = await t502.send({ method: 'GET', path: '/g' }).catch((e: unknown) => e);
    expect(get).toMatchObject({ code: 'CLIENT__HTTP_ERROR', context: { status: 502, serverCode: null } });
    expect(five02.seen).toHaveLength(1 + 3);
    const idem = await t502.send({ method: 'POST', path: '/i', idempotent: true }).catch((e: unknown) => e);
    expect(isAppError(idem)).toBe(true);
    expect(five02.seen).toHaveLength(4 + 3);
  });

  it('does not wait for a Retry-After beyond its limit', async () => {
    const { url, seen } = await serve((_req, res) => json(res, 503, {}, { 'retry-after': '3600' }));
    const t = createHttpTransport({ baseUrl: url, ...fast, maxRetryAfterMs: 1000 });
    await expect(t.send({ method: 'GET', path: '/' })).rejects.toMatchObject({ code: 'CLIENT__HTTP_ERROR' });
    expect(seen).toHaveLength(1);
  });

  it('maps a known server code to that AppError with its context, and does not retry it', async () => {
    const { url, seen } = await serve((_req, res) =>
      json(res, 409, {
        error: {
          code: 'LEDGER__REPLAYED_ATTESTATION',
          message: 'already applied',
          context: { replayKey: '0xabc' },
        },
      }),
    );
    const t = createHttpTransport({ baseUrl: url, ...fast });
    const err = await t.send({ method: 'GET', path: '/v1/a' }).catch((e: unknown) => e);
    expect(isAppError(err, 'LEDGER__REPLAYED_ATTESTATION')).toBe(true);
    expect(err).toMatchObject({ shortMessage: 'already applied', context: { replayKey: '0xabc' } });
    expect((err as Error).message).toContain(`GET ${url}/v1/a answered 409`);
    expect(seen).toHaveLength(1);
  });

  it('maps unknown codes and non-JSON error bodies to CLIENT__HTTP_ERROR', async () => {
    const { url } = await serve((req, res) => {
      if (req.url === '/unknown') json(res, 400, { error: { code: 'NOPE__NOPE', message: 'x' } });
      else {
        res.writeHead(500, { 'content-type': 'text/html' });
        res.end('<h1>oops</h1>');
      }
    });
    const t = createHttpTransport({ baseUrl: url, ...fast });
    await expect(t.send({ method: 'GET', path: '/unknown' })).rejects.toMatchObject({
      code: 'CLIENT__HTTP_ERROR',
      context: { status: 400, serverCode: 'NOPE__NOPE' },
    });
    await expect(t.send({ method: 'GET', path: '/html' })).rejects.toMatchObject({
      code: 'CLIENT__HTTP_ERROR',
      context: { status: 500, serverCode: null },
    });
  });

  it('returns accepted non-2xx statuses as values', async () => {
    const { url } = await serve((_req, res) => json(res, 404, { code: 5, message: 'not found' }));
    const t = createHttpTransport({ baseUrl: url });
    expect(await t.send({ method: 'GET', path: '/', accept: [404] })).toMatchObject({ status: 404 });
  });

  it('classifies a refused connection as CLIENT__NETWORK_ERROR and retries it even for a POST', async () => {
    const { url } = await serve(() => undefined);
    await Promise.all(servers.splice(0).map((s) => s.close()));
    const retries: RetryInfo[] = [];
    const t = createHttpTransport({ baseUrl: url, ...fast, retries: 2, onRetry: (i) => retries.push(i) });
    const err = await t.send({ method: 'POST', path: '/' }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'CLIENT__NETWORK_ERROR',
      context: { method: 'POST', reason: 'ECONNREFUSED' },
    });
    expect(retries).toHaveLength(2);
  });

  it('times out a server that never answers, retrying only idempotent requests', async () => {
    const { url, seen } = await serve(() => undefined);
    const t = createHttpTransport({ baseUrl: url, ...fast, timeoutMs: 100, retries: 1 });
    await expect(t.send({ method: 'POST', path: '/' })).rejects.toMatchObject({
      code: 'CLIENT__TIMEOUT',
      context: { timeoutMs: 100 },
    });
    expect(seen).toHaveLength(1);
    await expect(t.send({ method: 'GET', path: '/' })).rejects.toMatchObject({ code: 'CLIENT__TIMEOUT' });
    expect(seen).toHaveLength(3);
  });

  it('stops at once when the caller aborts, during a request or a backoff wait', async () => {
    const hang = await serve(() => undefined);
    const t = createHttpTransport({ baseUrl: hang.url, timeoutMs: 5_000 });
    const during = t.send({ method: 'GET', path: '/', signal: AbortSignal.timeout(50) });
    await expect(during).rejects.toMatchObject({ code: 'CLIENT__ABORTED' });

    const busy = await serve((_req, res) => json(res, 503, {}, { 'retry-after': '10' }));
    const t2 = createHttpTransport({ baseUrl: busy.url });
    const controller = new AbortController();
    const started = performance.now();
    const waiting = t2.send({ method: 'GET', path: '/', signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(waiting).rejects.toMatchObject({ code: 'CLIENT__ABORTED' });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(busy.seen).toHaveLength(1);
  });
});

describe('createXmarginClient transport checks', () => {
  it('rejects a 2xx body that does not match the DTO with CLIENT__INVALID_RESPONSE', async () => {
    const { url } = await serve((_req, res) => json(res, 200, { status: 'accepted', kind: 'vaa' }));
    const client = createXmarginClient({ baseUrl: url, apiKey: 'k' });
    await expect(client.attestations.postVaa({ vaa: '0x01020304' })).rejects.toMatchObject({
      code: 'CLIENT__INVALID_RESPONSE',
      context: { method: 'POST', status: 200 },
    });
  });

  it('rejects a 2xx body that is not JSON with CLIENT__INVALID_RESPONSE', async () => {
    const { url } = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('fine');
    });
    const client = createXmarginClient({ baseUrl: url });
    await expect(client.health()).rejects.toMatchObject({
      code: 'CLIENT__INVALID_RESPONSE',
      context: { reason: 'body is not JSON' },
    });
  });
});
