import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAppError } from '@xmargin/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postToWebhook } from './post-to-webhook.js';

// Deliveries connect through a lookup that refuses internal addresses: a name that resolves to
// loopback at connection time (DNS rebinding after the registration check) is never connected to.

let server: Server;
let port: number;
const received: { path: string; body: string; signature: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', body, signature: req.headers['x-xmargin-signature'] as string });
      res.writeHead(req.url === '/fail' ? 500 : 204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const post = (url: string, allowPrivate: boolean) =>
  postToWebhook({
    url,
    headers: { 'x-xmargin-signature': 't=1,v1=ab' },
    body: '{"a":1}',
    timeoutMs: 5_000,
    allowPrivate,
  });

describe('postToWebhook', () => {
  it('refuses to connect to a name resolving to loopback unless private targets are allowed', async () => {
    const err = await post(`http://localhost:${port}/hook`, false).catch((e: unknown) => e);
    expect(isAppError(err, 'WEBHOOK__URL_NOT_ALLOWED')).toBe(true);
    expect((err as { context: { reason: string } }).context.reason).toMatch(/^host localhost resolves to /);
    expect(received).toEqual([]);
  });

  it('with WEBHOOK_ALLOW_PRIVATE posts the body and headers and answers the status', async () => {
    expect(await post(`http://localhost:${port}/hook`, true)).toBe(204);
    expect(await post(`http://127.0.0.1:${port}/fail`, true)).toBe(500);
    expect(received).toEqual([
      { path: '/hook', body: '{"a":1}', signature: 't=1,v1=ab' },
      { path: '/fail', body: '{"a":1}', signature: 't=1,v1=ab' },
    ]);
  });
});
