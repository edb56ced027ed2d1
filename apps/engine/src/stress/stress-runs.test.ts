import { runStress } from '@xmargin/risk';
import { parseStressDocument } from '@xmargin/schemas/risk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketData, seedBalance, waitFor } from '../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../test-support/harness.js';

// The stress-run routes of contagion spec section 7 against real Postgres and Redis: the POST queues a
// BullMQ job that the engine's own worker (role all) runs on a REPEATABLE READ snapshot of the ledger.

let t: TestEngine;
let proto: string;
const now = () => Math.floor(Date.now() / 1000);

const app = () => t.engine.app!;
const req = (method: 'GET' | 'POST' | 'PUT', url: string, key: string, payload?: unknown) =>
  app().inject({
    method,
    url,
    headers: bearer(key),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

const scenario = {
  shocks: { ETH: 0.75 },
  depth: { ETH: { model: 'exp', usdFor2pct: 2_000_000 } },
  policy: { kind: 'full', penalty: 0.01, insuranceFund: 1000 },
};

async function finished(id: string) {
  return waitFor(async () => {
    const r = await req('GET', `/v1/admin/stress-runs/${id}`, t.adminKey);
    const body = r.json();
    return body.status === 'done' || body.status === 'failed' ? body : undefined;
  }, 60_000);
}

beforeAll(async () => {
  t = await startTestEngine('stress', { role: 'all' });
  proto = await t.key('protocol', 'proto_a');
  const md = await req('PUT', '/v1/market-data', t.adminKey, marketData());
  expect(md.statusCode).toBe(200);
  for (const id of ['acc_lev', 'acc_rich', 'acc_doge']) {
    expect((await req('POST', '/v1/accounts', proto, { accountId: id })).statusCode).toBe(201);
  }
  // acc_lev: long 100 ETH perps on 30,000 USDC: below maintenance once ETH falls 25%.
  const p = await req('POST', '/v1/accounts/acc_lev/positions', proto, {
    positions: [{ id: 'perp1', type: 'perp', underlying: 'ETH', quantity: 100, entryPrice: 2000 }],
  });
  expect(p.statusCode).toBe(200);
  const store = t.engine.context.store;
  await seedBalance(store, 'acc_lev', {
    chain: 'evm-devnet',
    asset: 'USDC',
    amount: 30_000_000_000n,
    decimals: 6,
  });
  await seedBalance(store, 'acc_rich', {
    chain: 'evm-devnet',
    asset: 'USDC',
    amount: 5_000_000_000_000n,
    decimals: 6,
  });
  await seedBalance(store, 'acc_rich', {
    chain: 'solana-devnet',
    asset: 'USDC',
    amount: 1_000_000n,
    decimals: 6,
    observedAt: now() - 86_400,
  });
  await seedBalance(store, 'acc_doge', {
    chain: 'evm-devnet',
    asset: 'DOGE',
    amount: 10n ** 20n,
    decimals: 18,
  });
}, 120_000);
afterAll(() => t.close());

describe('POST/GET /v1/admin/stress-runs', () => {
  it('queues a run; the job snapshots the book, runs it, and stores progress and the result', async () => {
    const r = await req('POST', '/v1/admin/stress-runs', t.adminKey, { ...scenario, label: 'eth -25%' });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toEqual({ id: expect.stringMatching(/^stress_/), status: 'queued' });
    const run = await finished(r.json().id);
    expect(run.status).toBe('done');
    expect(run.label).toBe('eth -25%');
    expect(run.snapshot).toEqual({ asOf: expect.any(Number), paramsVersion: null, accountCount: 3 });
    expect(run.progress).toEqual({ mode: 'portfolio', round: expect.any(Number) });
    // Collateral counted at zero is dropped, with a warning: the stale USDC and the unsupported DOGE.
    expect(
      run.warnings.map((w: { code: string; account: string }) => `${w.code} ${w.account}`).sort(),
    ).toEqual(['COLLATERAL_STALE acc_rich', 'COLLATERAL_UNSUPPORTED acc_doge']);
    for (const mode of ['isolated', 'cross', 'portfolio']) {
      const m = run.result.modes[mode];
      expect(m.liquidatedUnits).toBeGreaterThanOrEqual(1);
      expect(m.rounds[0].liquidated.map((l: { unit: string }) => l.unit)).toEqual([
        mode === 'isolated' ? 'acc_lev@proto_a' : 'acc_lev',
      ]);
    }
    expect(run.result.shocked.ETH).toBe(1500);

    // The stored document is exactly what ran: the CLI (runStress on the parsed file) reproduces it.
    const doc = await req('GET', `/v1/admin/stress-runs/${run.id}/document`, t.adminKey);
    expect(doc.statusCode).toBe(200);
    const document = doc.json();
    expect(document.accounts.map((a: { id: string }) => a.id)).toEqual(['acc_doge', 'acc_lev', 'acc_rich']);
    expect(document.accounts[1].collateral).toEqual([{ asset: 'USDC', chain: 'evm-devnet', amount: 30_000 }]);
    expect(document.accounts[2].collateral).toEqual([
      { asset: 'USDC', chain: 'evm-devnet', amount: 5_000_000 },
    ]);
    expect(JSON.parse(JSON.stringify(runStress(parseStressDocument(document))))).toEqual(run.result);

    // Starting a run is audited in Postgres with the key that did it.
    const audit = await t.engine.context.store.adminAudit.list({ actionPrefix: 'stress.' });
    expect(audit.find((e) => e.target === run.id)).toMatchObject({
      actor: 'bootstrap admin',
      action: 'stress.start',
      detail: 'eth -25%',
    });

    // The console's view: every round's figures, the per-unit lists reduced to counts and bins.
    const drawn = (await req('GET', `/v1/admin/stress-runs/${run.id}/rounds?bins=4`, t.adminKey)).json();
    expect(drawn.view.edges).toHaveLength(5);
    expect(drawn.view.modes.map((m: { mode: string }) => m.mode)).toEqual(Object.keys(run.result.modes));
    for (const m of drawn.view.modes) {
      const full = run.result.modes[m.mode];
      expect(m.rounds.map((r: { liquidatedCount: number }) => r.liquidatedCount)).toEqual(
        full.rounds.map((r: { liquidated: unknown[] }) => r.liquidated.length),
      );
      expect(m.rounds[0].liquidated).toBeUndefined();
      expect(m.rounds[0].prices).toEqual(full.rounds[0].prices);
      expect(m.counts.reduce((a: number, b: number) => a + b, 0)).toBe(full.liquidations);
      expect(m.badDebt).toBe(full.badDebt);
    }
    const unknownRounds = await req('GET', '/v1/admin/stress-runs/stress_nope/rounds', t.adminKey);
    expect(unknownRounds.statusCode).toBe(404);
  });

  it('runs a stored parameter version or draft parameters, on a subset of accounts', async () => {
    const proposed = await req('POST', '/v1/admin/params', t.adminKey, {
      params: { preset: 'pmrm-v1-mainnet', overrides: { mmFactor: 2 } },
    });
    expect(proposed.statusCode).toBe(201);
    const version = proposed.json().version as number;
    const a = await req('POST', '/v1/admin/stress-runs', t.adminKey, {
      ...scenario,
      params: version,
      accounts: ['acc_lev'],
      modes: ['portfolio'],
    });
    const runA = await finished(a.json().id);
    expect(runA.status).toBe('done');
    expect(runA.snapshot).toMatchObject({ paramsVersion: version, accountCount: 1 });
    expect(Object.keys(runA.result.modes)).toEqual(['portfolio']);
    const b = await req('POST', '/v1/admin/stress-runs', t.adminKey, {
      ...scenario,
      params: { preset: 'pmrm-v1-mainnet', overrides: { mmFactor: 2 } },
      accounts: ['acc_lev'],
      modes: ['portfolio'],
    });
    const runB = await finished(b.json().id);
    expect(runB.snapshot.paramsVersion).toBeNull();
    expect(runB.result.modes).toEqual(runA.result.modes);
  });

  it('a run whose document is invalid fails with its code', async () => {
    const r = await req('POST', '/v1/admin/stress-runs', t.adminKey, { ...scenario, shocks: { XRP: 0.5 } });
    expect(r.statusCode).toBe(202);
    const run = await finished(r.json().id);
    expect(run.status).toBe('failed');
    expect(run.error.code).toBe('DOCUMENT__INVALID');
    expect(run.result).toBeUndefined();
  });

  it('lists runs newest first with a summary per mode, paged by `before`', async () => {
    const first = await req('GET', '/v1/admin/stress-runs?limit=2', t.adminKey);
    expect(first.statusCode).toBe(200);
    const page = first.json();
    expect(page.runs).toHaveLength(2);
    expect(page.runs[0].createdAt).toBeGreaterThanOrEqual(page.runs[1].createdAt);
    expect(page.runs[0].result).toBeUndefined();
    expect(typeof page.next).toBe('string');
    const rest = (await req('GET', `/v1/admin/stress-runs?limit=100&before=${page.next}`, t.adminKey)).json();
    const ids = [...page.runs, ...rest.runs].map((x: { id: string }) => x.id);
    expect(new Set(ids).size).toBe(4);
    expect(rest.next).toBeNull();
    const done = [...page.runs, ...rest.runs].find((x: { label: string | null }) => x.label === 'eth -25%');
    expect(done.summary.cross).toEqual({
      roundCount: expect.any(Number),
      converged: true,
      badDebt: expect.any(Number),
      amplification: { ETH: expect.any(Number), SOL: null, USDC: null },
    });
  });

  it('400 names the path, 404 for an unknown id, admin role only', async () => {
    const bad = await req('POST', '/v1/admin/stress-runs', t.adminKey, {
      ...scenario,
      policy: { kind: 'soft' },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().error.context.issues)).toContain('policy');
    const unknown = await req('POST', '/v1/admin/stress-runs', t.adminKey, {
      ...scenario,
      accounts: ['acc_lev', 'nobody'],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.context.issues[0].path).toBe('$.accounts[1]');
    expect((await req('GET', '/v1/admin/stress-runs/stress_nope', t.adminKey)).statusCode).toBe(404);
    expect((await req('GET', '/v1/admin/stress-runs/stress_nope/document', t.adminKey)).statusCode).toBe(404);
    expect((await req('POST', '/v1/admin/stress-runs', proto, scenario)).statusCode).toBe(403);
  });
});
