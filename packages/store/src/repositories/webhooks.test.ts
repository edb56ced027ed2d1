import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema } from '../drop-schema.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';

// Webhooks and their delivery log on real Postgres (own schema).
const url = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `test_webhooks_${Math.random().toString(16).slice(2, 10)}`;
let store: Store;

beforeAll(async () => {
  store = await openStore({ url, schema });
});
afterAll(async () => {
  await store.close();
  await dropSchema(url, schema);
});

describe('webhooks repository', () => {
  it('registers per key, lists without the secret, finds subscribers by kind, deletes', async () => {
    const a = await store.webhooks.create({
      keyId: 'key_a',
      protocol: 'proto_a',
      url: 'https://a.example/hook',
      kinds: ['threshold'],
      secret: 'whsec_a',
    });
    const b = await store.webhooks.create({
      keyId: 'key_b',
      protocol: 'proto_b',
      url: 'https://b.example/hook',
      kinds: ['threshold', 'auction'],
      secret: 'whsec_b',
      description: 'risk desk',
    });
    expect(await store.webhooks.list('key_a')).toEqual([a]);
    expect(a).not.toHaveProperty('secret');
    expect(await store.webhooks.get(a.id, 'key_b')).toBeNull();
    expect((await store.webhooks.subscribers(['auction'])).map((w) => [w.id, w.secret])).toEqual([
      [b.id, 'whsec_b'],
    ]);
    expect((await store.webhooks.subscribers(['threshold'])).map((w) => w.id).sort()).toEqual(
      [a.id, b.id].sort(),
    );
    expect(await store.webhooks.remove(a.id, 'key_b')).toBe(false);
    expect(await store.webhooks.remove(a.id, 'key_a')).toBe(true);
    expect(await store.webhooks.withSecret(a.id)).toBeNull();
    expect((await store.webhooks.subscribers(['threshold'])).map((w) => w.id)).toEqual([b.id]);
  });

  it('creates one delivery per (webhook, event id) and logs every attempt', async () => {
    const w = await store.webhooks.create({
      keyId: 'key_c',
      protocol: 'proto_c',
      url: 'https://c.example/hook',
      kinds: ['auction'],
      secret: 's',
    });
    const d = { webhookId: w.id, eventId: '1700000000000-0', kind: 'auction', payload: { x: 1 } };
    expect(await store.webhooks.addDelivery(d)).toBe(true);
    expect(await store.webhooks.addDelivery(d)).toBe(false);
    const attempt = { webhookId: w.id, eventId: d.eventId, durationMs: 12 };
    expect(
      await store.webhooks.recordAttempt({
        ...attempt,
        httpStatus: 500,
        error: 'HTTP 500',
        delivered: false,
        final: false,
      }),
    ).toBe(1);
    expect((await store.webhooks.delivery(w.id, d.eventId))?.status).toBe('pending');
    expect(
      await store.webhooks.recordAttempt({
        ...attempt,
        httpStatus: 204,
        error: null,
        delivered: true,
        final: true,
      }),
    ).toBe(2);
    await store.webhooks.addDelivery({ ...d, eventId: '1700000000001-0' });
    const log = await store.webhooks.deliveries(w.id);
    expect(log.map((x) => [x.eventId, x.status, x.attempts])).toEqual([
      ['1700000000001-0', 'pending', 0],
      ['1700000000000-0', 'delivered', 2],
    ]);
    expect(log[1]!.attemptLog.map((x) => [x.attempt, x.httpStatus, x.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 204, null],
    ]);
    expect(log[1]!.finishedAt).toBeInstanceOf(Date);
    expect(
      (await store.webhooks.deliveries(w.id, { beforeEventId: '1700000000001-0' })).map((x) => x.eventId),
    ).toEqual(['1700000000000-0']);
  });
});
