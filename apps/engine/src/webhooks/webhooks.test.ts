import { createXmarginClient, verifyWebhookSignature } from '@xmargin/client';
import { isAppError } from '@xmargin/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishLiquidationEvents } from '../liquidation/liquidation-events.js';
import { marketData, seedBalance } from '../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../test-support/harness.js';
import {
  type RecordedRequest,
  type RecordingServer,
  startRecordingServer,
} from '../test-support/recording-server.js';

// Webhooks end to end: real engine (API + workers), real Redis and Postgres, and a real local HTTP
// endpoint that fails twice before accepting: signed deliveries, retries with backoff, the delivery log,
// and tenancy (a protocol the account never granted receives nothing).
type Received = RecordedRequest;

let t: TestEngine;
let base: string;
let server: RecordingServer;
let endpoint: string;
let received: Received[] = [];
/** `/flaky` answers 500 to the first two attempts of each event, then 204; other paths 204. */
const attemptsSeen = new Map<string, number>();
let protoA: string;
let protoB: string;
const ACC = 'acc_hooked';

beforeAll(async () => {
  server = await startRecordingServer((r) => {
    const key = `${r.path} ${String(r.headers['x-xmargin-event-id'])}`;
    const n = (attemptsSeen.get(key) ?? 0) + 1;
    attemptsSeen.set(key, n);
    return r.path === '/flaky' && n <= 2 ? 500 : 204;
  });
  endpoint = server.url;
  received = server.received;
  t = await startTestEngine('webhooks', {
    role: 'all',
    env: { MARGIN_THRESHOLDS: '0', WEBHOOK_BACKOFF_MS: '300', WEBHOOK_MAX_ATTEMPTS: '4' },
  });
  base = await t.engine.listen(0);
  protoA = await t.key('protocol', 'proto_a');
  protoB = await t.key('protocol', 'proto_b');
  await fetch(`${base}/v1/market-data`, {
    method: 'PUT',
    headers: { ...bearer(t.adminKey), 'content-type': 'application/json' },
    body: JSON.stringify(marketData()),
  });
  // Created by proto_a's key: the account grants proto_a (creator grant), never proto_b.
  await createXmarginClient({ baseUrl: base, apiKey: protoA }).accounts.create({ accountId: ACC });
  await seedBalance(t.engine.context.store, ACC, {
    chain: 'evm-devnet',
    asset: 'USDC',
    amount: 50_000_000_000n,
    decimals: 6,
  });
}, 60_000);

afterAll(async () => {
  await t.close();
  await server.close();
});

/** The delivery's signature verifies with this secret over its raw body. */
const signedFor = (r: Received, secret: string) =>
  verifyWebhookSignature({ secret, header: r.headers['x-xmargin-signature'] as string, body: r.body });

const postPositions = (quantity: number) =>
  fetch(`${base}/v1/accounts/${ACC}/positions`, {
    method: 'POST',
    headers: { ...bearer(protoA), 'content-type': 'application/json' },
    body: JSON.stringify({
      positions: [{ id: 'p', type: 'perp', underlying: 'ETH', quantity, entryPrice: 2000 }],
      replace: true,
    }),
  });

describe('webhooks', () => {
  it('registers per key with a secret shown once; other keys cannot see or delete it', async () => {
    const a = createXmarginClient({ baseUrl: base, apiKey: protoA });
    const b = createXmarginClient({ baseUrl: base, apiKey: protoB });
    const created = await a.webhooks.create({ url: `${endpoint}/temp`, kinds: ['auction'] });
    expect(created.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(await a.webhooks.get(created.id)).not.toHaveProperty('secret');
    expect((await a.webhooks.list()).webhooks.map((w) => w.id)).toEqual([created.id]);
    expect((await b.webhooks.list()).webhooks).toEqual([]);
    const code = await b.webhooks.delete(created.id).then(
      () => null,
      (e: unknown) => (isAppError(e) ? e.code : String(e)),
    );
    expect(code).toBe('WEBHOOK__NOT_FOUND');
    expect(await a.webhooks.delete(created.id)).toEqual({ ok: true });
    const bad = await a.webhooks.create({ url: 'ftp://x.example/hook', kinds: ['auction'] }).then(
      () => null,
      (e: unknown) => (isAppError(e) ? e.code : String(e)),
    );
    expect(bad).toBe('API__INVALID_REQUEST');
  });

  it('delivers a threshold crossing signed, retried with backoff after failures, with every attempt logged', async () => {
    const a = createXmarginClient({ baseUrl: base, apiKey: protoA });
    const b = createXmarginClient({ baseUrl: base, apiKey: protoB });
    const hook = await a.webhooks.create({ url: `${endpoint}/flaky`, kinds: ['threshold'] });
    const statusOf = async (eventId: string) =>
      (await a.webhooks.deliveries(hook.id)).deliveries.find((d) => d.eventId === eventId)?.status;
    // proto_b was never granted by the account: its endpoint must stay silent.
    await b.webhooks.create({ url: `${endpoint}/other-tenant`, kinds: ['threshold', 'auction'] });

    await postPositions(1);
    await new Promise((r) => setTimeout(r, 700));
    await postPositions(-300);

    // Until the first event's third attempt arrived.
    await expect
      .poll(() => [...attemptsSeen].some(([k, n]) => k.startsWith('/flaky ') && n >= 3), {
        timeout: 30_000,
        interval: 100,
      })
      .toBe(true);
    const flaky = received.filter((r) => r.path === '/flaky');
    // The first event delivered took three attempts (500, 500, 204); they share its event id.
    const firstId = [...attemptsSeen].find(([k, n]) => k.startsWith('/flaky ') && n >= 3)![0].slice(7);
    const attempts = flaky.filter((r) => r.headers['x-xmargin-event-id'] === firstId);
    expect(attempts.length).toBe(3);
    // Exponential backoff: 300 ms, then 600 ms (BullMQ's delays, at least).
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(280);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(580);
    for (const r of attempts) {
      expect(signedFor(r, hook.secret)).toBe(true);
      expect(signedFor(r, 'whsec_wrong')).toBe(false);
    }
    const payload = JSON.parse(attempts[2]!.body) as {
      id: string;
      kind: string;
      webhookId: string;
      data: { type: string; accountId: string; crossing: { metric: string; direction: string } };
    };
    expect(payload).toMatchObject({ id: firstId, kind: 'threshold', webhookId: hook.id });
    // The margin stream's own threshold event (the first publish of an account may cross upward).
    expect(payload.data).toMatchObject({ type: 'threshold', accountId: ACC });
    expect(['up', 'down']).toContain(payload.data.crossing.direction);

    await expect.poll(() => statusOf(firstId), { timeout: 10_000 }).toBe('delivered');
    const log = (await a.webhooks.deliveries(hook.id)).deliveries.find((d) => d.eventId === firstId)!;
    expect(log.attempts).toBe(3);
    expect(log.attemptLog.map((x) => [x.attempt, x.httpStatus, x.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 500, 'HTTP 500'],
      [3, 204, null],
    ]);
    // The alert itself (maintenance excess below 0) arrives and is delivered.
    const isAlert = (r: Received) =>
      r.path === '/flaky' &&
      /"crossing":\{[^}]*"metric":"maintenanceExcess"[^}]*"direction":"down"/.test(r.body);
    await expect.poll(() => received.some(isAlert), { timeout: 30_000 }).toBe(true);
    const alertId = received.find(isAlert)!.headers['x-xmargin-event-id'] as string;
    await expect.poll(() => statusOf(alertId), { timeout: 20_000 }).toBe('delivered');
    // One delivery per event id (all its attempts under it), and nothing went to the other tenant.
    const ids = new Set(
      received.filter((r) => r.path === '/flaky').map((r) => r.headers['x-xmargin-event-id']),
    );
    const delivered = (await a.webhooks.deliveries(hook.id)).deliveries;
    expect(delivered.length).toBe(ids.size);
    expect(new Set(delivered.map((d) => d.eventId))).toEqual(ids);
    expect(received.some((r) => r.path === '/other-tenant')).toBe(false);
  }, 60_000);

  it('delivers auction events to auction subscribers of a granted protocol, once per event', async () => {
    const a = createXmarginClient({ baseUrl: base, apiKey: protoA });
    const hook = await a.webhooks.create({ url: `${endpoint}/auctions`, kinds: ['auction'] });
    const { redis, keys, settings } = t.engine.context;
    const log = { redis, key: keys.liquidationEvents, maxLen: settings.eventLogMaxLen };
    await publishLiquidationEvents(log, [
      { type: 'started', auctionId: 'auc_1', accountId: ACC, time: 1_767_225_600, data: { fee: '1' } },
      { type: 'started', auctionId: 'auc_2', accountId: 'acc_not_granted', time: 1_767_225_600, data: {} },
    ]);
    await expect
      .poll(() => received.filter((r) => r.path === '/auctions').length, { timeout: 20_000 })
      .toBe(1);
    const r = received.find((x) => x.path === '/auctions')!;
    expect(signedFor(r, hook.secret)).toBe(true);
    expect(JSON.parse(r.body)).toMatchObject({
      kind: 'auction',
      data: { type: 'started', auctionId: 'auc_1' },
    });
    // The other tenant's auction subscriber (proto_b) saw none: its account grants only proto_a.
    expect(received.some((x) => x.path === '/other-tenant')).toBe(false);
    // Recorded once the endpoint's answer came back (just after it received the request).
    await expect
      .poll(async () => (await a.webhooks.deliveries(hook.id)).deliveries.map((d) => [d.kind, d.status]), {
        timeout: 10_000,
      })
      .toEqual([['auction', 'delivered']]);
  }, 30_000);
});
