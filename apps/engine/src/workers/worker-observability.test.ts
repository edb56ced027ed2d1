import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../test-support/fixtures.js';
import { REDIS_URL_TEST, startTestEngine, type TestEngine } from '../test-support/harness.js';

// A worker process (`--role worker`) serves no API: it answers /healthz, /readyz and /metrics on its
// own ops port, counts failed jobs by queue and code, and logs every failure as a JSON line.

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

let t: TestEngine;
const lines: LogLine[] = [];
let connection: Redis;
let queue: Queue;

beforeAll(async () => {
  t = await startTestEngine('wobs', {
    role: 'worker',
    env: { OPS_PORT: '0' },
    config: {
      logger: { level: 'info', stream: { write: (l: string) => void lines.push(JSON.parse(l) as LogLine) } },
    },
  });
  connection = new Redis(REDIS_URL_TEST, { maxRetriesPerRequest: null });
  queue = new Queue('reverify-expiring', { connection, prefix: t.prefix });
});
afterAll(async () => {
  await queue?.close();
  connection?.disconnect();
  await t?.close();
});

const ops = (path: string) => fetch(`${t.engine.opsUrl}${path}`);

describe('worker role operations port', () => {
  it('has no API but an ops server on OPS_HOST:OPS_PORT', () => {
    expect(t.engine.app).toBeUndefined();
    expect(t.engine.opsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('GET /healthz and /readyz (Redis and the database)', async () => {
    const health = await ops('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await ops('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { redis: 'ok', database: 'ok' } });
  });

  it('a failed job is counted by queue and code on /metrics and logged with its code', async () => {
    // A payload that can never validate: failed at once, without retry, as QUEUE__INVALID_PAYLOAD.
    const job = await queue.add('bad', { horizonSeconds: 'soon' }, { jobId: 'bad-payload-1' });
    const series = 'xmargin_jobs_failed_total{queue="reverify-expiring",code="QUEUE__INVALID_PAYLOAD"} 1';
    const text = await waitFor(async () => {
      const body = await (await ops('/metrics')).text();
      return body.includes(series) ? body : undefined;
    });
    expect(text).toContain(series);

    const logged = await waitFor(async () => lines.find((l) => l.msg === 'job failed' && l.jobId === job.id));
    expect(logged).toMatchObject({
      level: 50,
      service: 'engine',
      role: 'worker',
      queue: 'reverify-expiring',
      code: 'QUEUE__INVALID_PAYLOAD',
      final: true,
      err: { type: 'UnrecoverableError', code: 'QUEUE__INVALID_PAYLOAD' },
    });
    expect(String((logged.err as { message: string }).message)).toContain('$.horizonSeconds');
  });

  it('/metrics has the default process metrics: CPU, memory, heap, event-loop lag', async () => {
    const text = await (await ops('/metrics')).text();
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      expect(text, name).toMatch(new RegExp(`^${name} \\d`, 'm'));
    expect(text).toContain('# TYPE xmargin_jobs_completed_total counter');
    expect(text).toContain('# TYPE xmargin_worker_errors_total counter');
  });
});
