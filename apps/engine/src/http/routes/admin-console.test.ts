import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketData, positions, seedBalance, waitFor } from '../../test-support/fixtures.js';
import { bearer, REDIS_URL_TEST, startTestEngine, type TestEngine } from '../../test-support/harness.js';

// The routes behind the admin console, against a real engine (API + workers, Postgres, Redis).
let t: TestEngine;
let protocol: string;
let operator: string;
const ids = ['acc_c1', 'acc_c2', 'acc_c3', 'acc_c4'];

const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key = t.adminKey, payload?: unknown) =>
  t.engine.app!.inject({
    method,
    url,
    headers: bearer(key),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

beforeAll(async () => {
  t = await startTestEngine('console', { role: 'all' });
  protocol = await t.key('protocol', 'proto_a');
  operator = await t.key('operator');
  expect((await req('PUT', '/v1/market-data', t.adminKey, marketData())).statusCode).toBe(200);
  for (const [i, id] of ids.entries()) {
    expect((await req('POST', '/v1/accounts', protocol, { accountId: id })).statusCode).toBe(201);
    await seedBalance(t.engine.context.store, id, {
      chain: i % 2 === 0 ? 'evm-devnet' : 'solana-devnet',
      asset: 'USDC',
      amount: BigInt(1_000 + i * 20_000) * 1_000_000n,
      decimals: 6,
    });
    const r = await req('POST', `/v1/accounts/${id}/positions`, protocol, {
      positions: positions(4 + i * 2),
    });
    expect(r.statusCode).toBe(200);
  }
  await waitFor(async () => {
    const views = await t.engine.context.marginCache.getViews(ids);
    return views.every((v) => v !== null) ? true : undefined;
  }, 30_000);
});
afterAll(() => t.close());

describe('operator role', () => {
  it('reads every admin GET, writes nothing, and sees the whole book stream', async () => {
    for (const url of [
      '/v1/admin/params',
      '/v1/admin/api-keys',
      '/v1/admin/book/summary',
      '/v1/admin/jobs/queues',
      '/v1/accounts/acc_c1/positions',
    ]) {
      expect((await req('GET', url, operator)).statusCode, url).toBe(200);
    }
    expect((await req('GET', '/v1/admin/whoami', operator)).json()).toEqual({
      name: 'test operator',
      role: 'operator',
    });
    for (const [method, url, body] of [
      ['POST', '/v1/admin/params', { params: { preset: 'pmrm-v1-mainnet' } }],
      ['POST', '/v1/admin/api-keys', { name: 'x', role: 'admin' }],
      ['PUT', '/v1/market-data', marketData()],
      ['POST', '/v1/accounts/acc_c1/margin/what-if', {}],
    ] as const) {
      const r = await req(method, url, operator, body);
      expect(r.statusCode, url).toBe(403);
      expect(r.json().error.code).toBe('API__FORBIDDEN');
    }
    // Other roles stay out of the console routes.
    expect((await req('GET', '/v1/admin/book/summary', protocol)).statusCode).toBe(403);
  });
});

describe('book routes', () => {
  it('summary: totals equal the sum of the accounts, collateral per chain in token units', async () => {
    const s = (await req('GET', '/v1/admin/book/summary')).json();
    const views = await t.engine.context.marginCache.getViews(ids);
    const sum = (f: (v: NonNullable<(typeof views)[number]>) => number) =>
      views.reduce((acc, v) => acc + (v ? f(v) : 0), 0);
    expect(s.accounts).toBe(4);
    expect(s.margined).toBe(4);
    expect(s.equity).toBeCloseTo(
      sum((v) => v.summary?.equity ?? 0),
      6,
    );
    expect(s.maintenanceRequirement).toBeCloseTo(
      sum((v) => v.summary?.maintenanceRequirement ?? 0),
      6,
    );
    expect(s.liquidatable).toBe(views.filter((v) => v?.summary && v.summary.maintenanceExcess < 0).length);
    expect(s.collateral).toEqual([
      {
        chain: 'evm-devnet',
        accounts: 2,
        value: 42_000,
        assets: [{ asset: 'USDC', amount: '42000', value: 42_000 }],
      },
      {
        chain: 'solana-devnet',
        accounts: 2,
        value: 82_000,
        assets: [{ asset: 'USDC', amount: '82000', value: 82_000 }],
      },
    ]);
    expect(s.chains.map((c: { chain: string }) => c.chain)).toEqual(['evm-devnet', 'solana-devnet']);
    // No auction has run: no bad debt; the fund holds what was deposited into it.
    expect(s.badDebt).toBe(0);
    expect(s.insuranceFund).toBe(0);
    expect(
      (await req('POST', '/v1/admin/insurance-fund/deposits', t.adminKey, { amount: '1250.5' })).statusCode,
    ).toBe(200);
    expect((await req('GET', '/v1/admin/book/summary')).json().insuranceFund).toBe(1250.5);
  });

  it('histogram: every margined account lands once per mode, bins or overflow', async () => {
    const h = (await req('GET', '/v1/admin/book/histogram?metric=marginRatio&bins=10&mode=all')).json();
    expect(h.edges).toHaveLength(11);
    expect(h.series.map((s: { mode: string }) => s.mode)).toEqual(['isolated', 'cross', 'portfolio']);
    for (const s of h.series) {
      expect(s.counts.reduce((a: number, b: number) => a + b, 0) + s.overflow).toBe(4);
    }
    const one = (await req('GET', '/v1/admin/book/histogram?metric=equity&bins=4&mode=cross')).json();
    expect(one.series).toHaveLength(1);
    expect((await req('GET', '/v1/admin/book/histogram?bins=0')).statusCode).toBe(400);
  });

  it('accounts: sorted and paged on the server, searchable, filtered by histogram bin', async () => {
    const page1 = (await req('GET', '/v1/admin/book/accounts?sort=equity&dir=desc&limit=3')).json();
    const page2 = (await req('GET', '/v1/admin/book/accounts?sort=equity&dir=desc&limit=3&offset=3')).json();
    expect(page1.total).toBe(4);
    const all = [...page1.accounts, ...page2.accounts];
    expect(all.map((a: { accountId: string }) => a.accountId).sort()).toEqual(ids);
    const equities = all.map((a: { equity: number }) => a.equity);
    expect(equities).toEqual([...equities].sort((a, b) => b - a));
    const risky = (await req('GET', '/v1/admin/book/accounts')).json().accounts;
    const excess = risky.map((a: { maintenanceExcess: number }) => a.maintenanceExcess);
    expect(excess).toEqual([...excess].sort((a, b) => a - b));
    expect(
      (await req('GET', '/v1/admin/book/accounts?q=C3'))
        .json()
        .accounts.map((a: { accountId: string }) => a.accountId),
    ).toEqual(['acc_c3']);
    const h = (await req('GET', '/v1/admin/book/histogram?metric=equity&bins=5&mode=portfolio')).json();
    let seen = 0;
    for (let bin = 0; bin <= 5; bin++) {
      const r = (
        await req('GET', `/v1/admin/book/accounts?metric=equity&mode=portfolio&bins=5&bin=${bin}`)
      ).json();
      expect(r.total).toBe(bin < 5 ? h.series[0].counts[bin] : h.series[0].overflow);
      seen += r.total;
    }
    expect(seen).toBe(4);
    expect((await req('GET', '/v1/admin/book/accounts?metric=equity')).statusCode).toBe(400);
  });

  it('account detail: cached result, balances with ages, positions per protocol', async () => {
    const d = (await req('GET', '/v1/admin/accounts/acc_c2/detail')).json();
    expect(d.snapshot.positionKeys).toHaveLength(6);
    expect(d.snapshot.result.modes.portfolio.initialRequirement).toBeGreaterThan(0);
    expect(d.balances).toEqual([
      expect.objectContaining({ chain: 'solana-devnet', asset: 'USDC', amount: '21000', source: 'indexer' }),
    ]);
    expect(d.positions.map((p: { protocol: string }) => p.protocol)).toEqual(Array(6).fill('proto_a'));
    expect((await req('GET', '/v1/admin/accounts/acc_none/detail')).statusCode).toBe(404);
  });

  it('attestations overview: freshness per chain from the book', async () => {
    const o = (await req('GET', '/v1/admin/attestations/overview')).json();
    expect(
      o.freshness.map((f: { chain: string; counts: number[] }) => [
        f.chain,
        f.counts.reduce((a, b) => a + b, 0),
      ]),
    ).toEqual([
      ['evm-devnet', 2],
      ['solana-devnet', 2],
    ]);
    expect(o.recent).toEqual([]);
  });

  it('params impact: the draft margined over the risk book before activation', async () => {
    const tight = await req('POST', '/v1/admin/params', t.adminKey, {
      params: { preset: 'pmrm-v1-mainnet', overrides: { mmFactor: 0.99 } },
      note: 'tighter',
    });
    expect(tight.statusCode, tight.body).toBe(201);
    const v = tight.json().version;
    const i = (await req('GET', `/v1/admin/params/${v}/impact`, operator)).json();
    expect(i.accounts).toBe(4);
    expect(i.against).toBeNull();
    const views = await t.engine.context.marginCache.getViews(ids);
    const served = views.reduce((a, x) => a + (x?.summary?.maintenanceRequirement ?? 0), 0);
    // The current side is the served book (same ledger, same parameters), to rounding.
    expect(i.current.maintenanceRequirement).toBeCloseTo(served, 4);
    expect(i.draft.liquidatable).toBe(i.current.liquidatable + i.newlyLiquidatable.length);
    expect((await req('GET', '/v1/admin/params/999/impact')).statusCode).toBe(404);
  });
});

describe('job routes', () => {
  it('finds any queue under the prefix, pages failed jobs, searches by account, retries and discards (audited)', async () => {
    const connection = { url: REDIS_URL_TEST, maxRetriesPerRequest: null };
    const queue = new Queue('console-probe', { connection, prefix: t.prefix });
    let attempts = 0;
    const worker = new Worker(
      'console-probe',
      async (job) => {
        attempts++;
        if (job.data.fail) throw new Error(`probe failure for ${job.data.accountId}`);
        return 'ok';
      },
      { connection, prefix: t.prefix },
    );
    try {
      const a = await queue.add('probe', { accountId: 'acc_c1', fail: true }, { jobId: 'probe-a' });
      await queue.add('probe', { accountId: 'acc_c2', fail: true }, { jobId: 'probe-b' });
      await waitFor(async () => ((await queue.getFailedCount()) === 2 ? true : undefined));
      const overview = (await req('GET', '/v1/admin/jobs/queues', operator)).json();
      const probe = overview.queues.find((q: { queue: string }) => q.queue === 'console-probe');
      expect(probe).toEqual(expect.objectContaining({ failed: 2, workers: 1 }));
      expect(probe.failedPerSecond).toBeGreaterThan(0);
      expect(overview.queues.map((q: { queue: string }) => q.queue)).toEqual(
        expect.arrayContaining(['index-chain', 'console-probe']),
      );
      const page = (await req('GET', '/v1/admin/jobs/console-probe/failed?limit=1')).json();
      expect(page.total).toBe(2);
      expect(page.jobs).toHaveLength(1);
      const search = (await req('GET', '/v1/admin/jobs/console-probe/failed?accountId=acc_c1')).json();
      expect(search.jobs.map((j: { id: string; failedReason: string }) => [j.id, j.failedReason])).toEqual([
        ['probe-a', 'probe failure for acc_c1'],
      ]);
      // Operators read but may not act.
      expect(
        (await req('POST', '/v1/admin/jobs/console-probe/failed/probe-a/retry', operator)).statusCode,
      ).toBe(403);
      await a.updateData({ accountId: 'acc_c1', fail: false });
      expect((await req('POST', '/v1/admin/jobs/console-probe/failed/probe-a/retry')).statusCode).toBe(200);
      await waitFor(async () => ((await queue.getJobState('probe-a')) === 'completed' ? true : undefined));
      expect((await req('DELETE', '/v1/admin/jobs/console-probe/failed/probe-b')).statusCode).toBe(200);
      expect((await req('GET', '/v1/admin/jobs/console-probe/failed')).json().total).toBe(0);
      const missing = await req('POST', '/v1/admin/jobs/console-probe/failed/probe-b/retry');
      expect(missing.statusCode).toBe(404);
      expect((await req('GET', '/v1/admin/jobs/no-such-queue/failed')).statusCode).toBe(404);
      const auditPage = (await req('GET', '/v1/admin/audit?action=job.', operator)).json();
      const audit = auditPage.entries;
      expect(auditPage.next).toBeNull();
      // Durable: the entries are rows in Postgres, not a Redis stream.
      expect(
        (await t.engine.context.store.adminAudit.list({ actionPrefix: 'job.' })).map((e) => e.action),
      ).toEqual(['job.discard', 'job.retry']);
      const first = (await req('GET', '/v1/admin/audit?action=job.&limit=1', operator)).json();
      expect(first.entries.map((e: { action: string }) => e.action)).toEqual(['job.discard']);
      const second = (
        await req('GET', `/v1/admin/audit?action=job.&limit=1&before=${first.next}`, operator)
      ).json();
      expect(second.entries.map((e: { action: string }) => e.action)).toEqual(['job.retry']);
      expect(
        audit.map((e: { action: string; target: string; actor: string }) => [e.action, e.target, e.actor]),
      ).toEqual([
        ['job.discard', 'console-probe/probe-b', 'bootstrap admin'],
        ['job.retry', 'console-probe/probe-a', 'bootstrap admin'],
      ]);
      expect(attempts).toBe(3);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

describe('shard ownership', () => {
  it('lists every shard with its owner and lease expiry, and the live workers with their shards', async () => {
    const shards = t.engine.context.settings.shards;
    const o = await waitFor(async () => {
      const body = (await req('GET', '/v1/admin/shards', operator)).json();
      return body.shards.every((s: { owner: string | null }) => s.owner !== null) ? body : undefined;
    }, 30_000);
    expect(o.shardCount).toBe(shards);
    expect(o.shards.map((s: { shard: number }) => s.shard)).toEqual(
      Array.from({ length: shards }, (_, i) => i),
    );
    for (const s of o.shards) {
      expect(s.leaseExpiresAt).toBeGreaterThan(o.at);
      expect(s.events).toBeGreaterThanOrEqual(0);
    }
    // Every owned shard is listed under its worker, and each live worker's heartbeat is recent.
    const owned = o.workers
      .flatMap((w: { shards: number[] }) => w.shards)
      .sort((a: number, b: number) => a - b);
    expect(owned).toEqual(Array.from({ length: shards }, (_, i) => i));
    for (const w of o.workers) expect(o.at - w.heartbeatAt).toBeLessThan(60_000);
    // Accounts were written: some shard's stream has an event with a time.
    expect(o.shards.some((s: { lastEventAt: number | null }) => s.lastEventAt !== null)).toBe(true);
    expect((await req('GET', '/v1/admin/shards', protocol)).statusCode).toBe(403);
  });
});

describe('console files', () => {
  it('serves the build under /console, index.html for every page path', async () => {
    const page = await t.engine.app!.inject({ method: 'GET', url: '/console/accounts/acc_c1' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('xmargin console');
    expect((await t.engine.app!.inject({ method: 'GET', url: '/console' })).statusCode).toBe(302);
    const outside = await t.engine.app!.inject({ method: 'GET', url: '/console/..%2F..%2Fpackage.json' });
    expect(outside.body).not.toContain('"name"');
  });
});
