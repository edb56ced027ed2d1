import { Counter, Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { collectProcessMetrics } from './process-metrics.js';
import { type OpsServer, startOpsServer } from './start-ops-server.js';

const servers: OpsServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
});

describe('startOpsServer', () => {
  it('serves /healthz, /readyz (per probe) and /metrics with process metrics; 404 elsewhere', async () => {
    const registry = new Registry();
    collectProcessMetrics(registry);
    new Counter({ name: 'xmargin_test_total', help: 'test', registers: [registry] }).inc(3);
    let dbDown = false;
    const server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      health: () => ({ healthy: true, body: { status: 'ok', seq: 12n } }),
      readiness: {
        redis: async () => undefined,
        database: async () => {
          if (dbDown) throw new Error('connect ECONNREFUSED\nstack');
        },
      },
    });
    servers.push(server);

    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', seq: '12' });

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok', database: 'ok' } });
    dbDown = true;
    const unready = await fetch(`${server.url}/readyz`);
    expect(unready.status).toBe(503);
    expect(await unready.json()).toEqual({
      status: 'unready',
      checks: { redis: 'ok', database: 'connect ECONNREFUSED' },
    });

    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toContain('xmargin_test_total 3');
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
    ])
      expect(text, name).toMatch(new RegExp(`^${name} `, 'm'));

    const missing = await fetch(`${server.url}/v1/accounts`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'API__NOT_FOUND' } });
  });

  it('without probes /readyz answers like /healthz', async () => {
    const server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      registry: new Registry(),
      health: () => ({ healthy: false, body: { status: 'stalled' } }),
    });
    servers.push(server);
    const r = await fetch(`${server.url}/readyz`);
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ status: 'stalled' });
  });
});
