import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { isAppError } from '@xmargin/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../create-engine.js';
import { loadEnv } from '../env.js';
import { bearer, DATABASE_URL_TEST, startTestEngine, type TestEngine } from '../test-support/harness.js';

// A private redis-server this file may stop and start (the shared one is never touched).
async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const sock = createServer();
      sock.once('error', () => resolve(true));
      sock.listen(port, '127.0.0.1', () => sock.close(() => resolve(false)));
    });
    if (up) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('redis-server did not start');
}
const stopRedis = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

let port: number;
let redis: ChildProcess;
let t: TestEngine;
let protocol: string;

beforeAll(async () => {
  port = await freePort();
  redis = await startRedis(port);
  t = await startTestEngine('redis-outage', { env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  protocol = await t.key('protocol', 'proto_r');
  await t.engine.app!.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: bearer(protocol),
    payload: { accountId: 'acc_r' },
  });
});
afterAll(async () => {
  await t.close();
  await stopRedis(redis);
});

describe('Redis down', () => {
  it('requests answer 503 at once and /readyz says unready; both recover when Redis is back', async () => {
    await stopRedis(redis);
    const ready = await t.engine.app!.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks.database).toBe('ok');
    const margin = await t.engine.app!.inject({
      method: 'GET',
      url: '/v1/accounts/acc_r/margin',
      headers: bearer(protocol),
    });
    expect(margin.statusCode).toBe(503);
    expect(margin.json().error).toMatchObject({ code: 'API__UNAVAILABLE', context: { dependency: 'redis' } });
    expect(margin.headers['retry-after']).toBe('1');

    redis = await startRedis(port);
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await t.engine.app!.inject({ method: 'GET', url: '/readyz' })).statusCode;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    const again = await t.engine.app!.inject({
      method: 'GET',
      url: '/v1/accounts/acc_r/margin',
      headers: bearer(protocol),
    });
    // Redis answers again: with no published view yet the margin is computed from the ledger on demand.
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ accountId: 'acc_r', status: 'ok' });
  });

  it('starting with Redis down gives up after REDIS_CONNECT_TIMEOUT_MS with a clear error', async () => {
    const closed = await freePort();
    const env = loadEnv({
      REDIS_URL: `redis://127.0.0.1:${closed}`,
      DATABASE_URL: DATABASE_URL_TEST,
      REDIS_CONNECT_TIMEOUT_MS: '500',
      QUEUE_PREFIX: 'test-redis-down',
    });
    const err = await createEngine({ env, role: 'api', logger: false, dbSchema: t.schema! }).catch(
      (e: unknown) => e,
    );
    expect(isAppError(err, 'API__UNAVAILABLE')).toBe(true);
    expect((err as Error).message).toContain(`127.0.0.1:${closed}`);
  });
});
