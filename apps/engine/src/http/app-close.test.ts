import { request } from 'node:http';
import { silentLogger } from '@xmargin/ops';
import { expect, it } from 'vitest';
import { buildApp } from './app.js';
import { createMetrics } from './metrics.js';

// Closing the API while a request runs: the request is answered, with `connection: close`, so its
// keep-alive connection does not hold the close until its keep-alive timeout.
it('answers a request in flight at close with connection: close, then closes', async () => {
  let entered!: () => void;
  const inHandler = new Promise<void>((r) => {
    entered = r;
  });
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const app = await buildApp({
    findPrincipal: async () => ({ keyId: 'k', name: 'n', role: 'admin', scope: null }),
    metrics: createMetrics(async () => undefined),
    bodyLimit: 1024,
    rateLimit: { perSecond: 100, burst: 100 },
    readiness: {},
    logger: silentLogger(),
    routes: (v1) => {
      v1.get('/slow', { config: { roles: ['admin'] } }, async () => {
        entered();
        await released;
        return { ok: true };
      });
    },
  });
  const url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
  const agent = new (await import('node:http')).Agent({ keepAlive: true });
  const answer = new Promise<{ status: number; connection: string | undefined; body: string }>(
    (resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/v1/slow',
          agent,
          headers: { authorization: 'Bearer x' },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => {
            body += c.toString();
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
  await inHandler;
  const closed = app.close();
  // The server stops listening once close has begun (after the preClose hooks).
  while (app.server.listening) await new Promise((r) => setTimeout(r, 5));
  release();
  expect(await answer).toEqual({ status: 200, connection: 'close', body: '{"ok":true}' });
  await closed;
  agent.destroy();
});
