import { isAppError } from '@xmargin/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RecordingServer, startRecordingServer } from '../test-support/recording-server.js';
import { postToWebhook } from './post-to-webhook.js';

// Deliveries connect through a lookup that refuses internal addresses: a name that resolves to
// loopback at connection time (DNS rebinding after the registration check) is never connected to.

let server: RecordingServer;
let port: number;

beforeAll(async () => {
  server = await startRecordingServer((r) => (r.path === '/fail' ? 500 : 204));
  port = server.port;
});
afterAll(() => server.close());

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
    expect(server.received).toEqual([]);
  });

  it('with WEBHOOK_ALLOW_PRIVATE posts the body and headers and answers the status', async () => {
    expect(await post(`http://localhost:${port}/hook`, true)).toBe(204);
    expect(await post(`http://127.0.0.1:${port}/fail`, true)).toBe(500);
    expect(server.received.map((r) => [r.path, r.body, r.headers['x-xmargin-signature']])).toEqual([
      ['/hook', '{"a":1}', 't=1,v1=ab'],
      ['/fail', '{"a":1}', 't=1,v1=ab'],
    ]);
  });
});
