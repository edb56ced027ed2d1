// The typed client (@xmargin/client) against the real engine. These tests live here rather than in
// packages/client because the engine's own tests depend on the client, and a client -> engine
// devDependency would close a package cycle that turbo refuses.
import { createXmarginClient, type XmarginClient } from '@xmargin/client';
import { isAppError } from '@xmargin/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './test-support/start-test-engine.js';

let t: TestEngine;
let protocol: XmarginClient;
let oracle: XmarginClient;
const DAY = 86_400;
const expiry = () => {
  const now = Math.floor(Date.now() / 1000);
  return now - (now % DAY) + 30 * DAY;
};

beforeAll(async () => {
  t = await startTestEngine('client');
  [protocol, oracle] = await Promise.all([t.client('protocol', 'proto_x'), t.client('oracle')]);
});
afterAll(() => t?.close());

const failure = (p: Promise<unknown>) =>
  p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );

describe('createXmarginClient against the engine', () => {
  it('reads health and readiness', async () => {
    expect(await t.admin.health()).toEqual({ status: 'ok' });
    expect(await t.admin.readiness()).toMatchObject({
      status: 'ready',
      checks: { redis: 'ok', database: 'ok' },
    });
  });

  it('creates and reads accounts; engine errors arrive as AppErrors with their codes', async () => {
    expect(await protocol.accounts.create({ accountId: 'acc_c1' })).toMatchObject({
      accountId: 'acc_c1',
      addresses: [],
    });
    expect((await protocol.accounts.get('acc_c1')).accountId).toBe('acc_c1');
    expect((await protocol.accounts.listAddresses('acc_c1')).addresses).toEqual([]);
    const dup = await failure(protocol.accounts.create({ accountId: 'acc_c1' }));
    expect(isAppError(dup, 'LEDGER__CONFLICT')).toBe(true);
    expect(await failure(protocol.accounts.get('acc_nobody'))).toMatchObject({ code: 'LEDGER__NOT_FOUND' });
    expect(await failure(protocol.accounts.get('NOPE'))).toMatchObject({
      code: 'API__INVALID_REQUEST',
      context: { part: 'params' },
    });
  });

  it('maps authentication and role failures', async () => {
    const anonymous = createXmarginClient({ baseUrl: t.url });
    expect(await failure(anonymous.accounts.get('acc_c1'))).toMatchObject({ code: 'API__UNAUTHENTICATED' });
    const wrongKey = createXmarginClient({ baseUrl: t.url, apiKey: 'xm_not_a_key' });
    expect(await failure(wrongKey.marketData.get())).toMatchObject({ code: 'API__UNAUTHENTICATED' });
    expect(await failure(oracle.accounts.create({}))).toMatchObject({
      code: 'API__FORBIDDEN',
      context: { role: 'oracle' },
    });
  });

  it('writes market data, positions, and reads margin, what-if and explain', async () => {
    const e = expiry();
    const written = await oracle.marketData.update({
      stable: { price: 1, confidence: 1 },
      prices: { USDC: { price: 1, confidence: 1 } },
      markets: {
        ETH: {
          spot: 2000,
          perp: { price: 2001 },
          expiries: [{ expiry: e, forward: 2003, rate: 0.02, defaultVol: 0.5 }],
        },
      },
    });
    expect(written.updated).toEqual(expect.arrayContaining(['ETH', 'USDC']));
    expect((await protocol.marketData.get()).markets.ETH?.spot).toBe(2000);

    const since = Date.now();
    const upserted = await protocol.positions.upsert('acc_c1', {
      positions: [
        { id: 'perp1', type: 'perp', underlying: 'ETH', quantity: 1, entryPrice: 1990 },
        {
          id: 'call1',
          type: 'option',
          underlying: 'ETH',
          expiry: e,
          strike: 2200,
          right: 'call',
          quantity: -2,
        },
      ],
    });
    expect(upserted.positions.map((p) => p.position.id).sort()).toEqual(['call1', 'perp1']);
    expect(typeof upserted.jobId).toBe('string');

    // The recompute worker writes the snapshot; until then the engine answers API__NO_SNAPSHOT. The
    // market data written above is published too, possibly after `since` on a slow machine: that view
    // has no positions yet, so no requirement: wait for the one that has them.
    await expect
      .poll(
        async () => {
          try {
            const m = await protocol.margin.get('acc_c1');
            return m.computedAt >= since && (m.summary?.maintenanceRequirement ?? 0) > 0;
          } catch (err) {
            if (isAppError(err, 'API__NO_SNAPSHOT')) return false;
            throw err;
          }
        },
        { timeout: 15_000, interval: 50 },
      )
      .toBe(true);
    const margin = await protocol.margin.get('acc_c1');
    expect(margin.accountId).toBe('acc_c1');
    expect(margin.status).toBe('ok');
    expect(margin.summary!.maintenanceRequirement).toBeGreaterThan(0);

    const whatIf = await protocol.margin.whatIf('acc_c1', { positions: { remove: ['call1'] } });
    expect(whatIf.proposed.maintenanceRequirement).toBeLessThan(whatIf.current.maintenanceRequirement);
    expect(typeof whatIf.acceptable).toBe('boolean');

    const explain = await protocol.margin.explain('acc_c1');
    expect(explain.positions.map((p) => p.key).sort()).toEqual(['proto_x/call1', 'proto_x/perp1']);

    const removed = await protocol.positions.remove('acc_c1', 'call1');
    expect(removed.positions.map((p) => p.position.id)).toEqual(['perp1']);
    expect((await protocol.positions.list('acc_c1')).positions).toHaveLength(1);
  });

  it('streams margin events over SSE: a snapshot on connect, then every recompute', async () => {
    const controller = new AbortController();
    const stream = await protocol.stream.margin({ accountId: 'acc_c1' }, { signal: controller.signal });
    const first = await stream.next();
    expect(first.value).toMatchObject({ event: 'snapshot' });
    expect(JSON.parse(first.done ? '{}' : first.value.data)).toMatchObject({ accountId: 'acc_c1' });

    await protocol.positions.upsert('acc_c1', {
      positions: [{ id: 'perp2', type: 'perp', underlying: 'ETH', quantity: -1, entryPrice: 2010 }],
    });
    let margin: unknown;
    for await (const e of stream) {
      if (e.event !== 'margin') continue;
      margin = JSON.parse(e.data);
      break;
    }
    expect(margin).toMatchObject({ accountId: 'acc_c1', summary: expect.any(Object) });
    controller.abort();

    // The whole book is for admin keys only; the refusal arrives when opening.
    expect(await failure(protocol.stream.margin({}))).toMatchObject({ code: 'API__FORBIDDEN' });
    expect(await failure(protocol.stream.margin({ accountId: 'acc_nobody' }))).toMatchObject({
      code: 'LEDGER__NOT_FOUND',
    });
  });

  it('validates request bodies on the server and names the failing path', async () => {
    const err = await failure(oracle.marketData.update({ prices: { USDC: { price: 1, confidence: 2 } } }));
    expect(err).toMatchObject({
      code: 'API__INVALID_REQUEST',
      context: { issues: [{ path: '$.prices.USDC.confidence' }] },
    });
  });
});
