import { createXmarginClient } from '@xmargin/client';
import { accountId } from '@xmargin/core';
import { isAppError } from '@xmargin/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestEngine, type TestEngine } from '../../test-support/harness.js';

let t: TestEngine;
let protoA: string;
let protoB: string;
beforeAll(async () => {
  t = await startTestEngine('accounts-list');
  [protoA, protoB] = await Promise.all([t.key('protocol', 'proto_a'), t.key('protocol', 'proto_b')]);
  const create = (key: string, id: string) =>
    t.engine.app!.inject({
      method: 'POST',
      url: '/v1/accounts',
      headers: bearer(key),
      payload: { accountId: id },
    });
  // proto_a opens (and so is granted) l1 and l2, proto_b l3; l4 is the admin's and grants no one.
  for (const [key, id] of [
    [protoA, 'acc_l1'],
    [protoA, 'acc_l2'],
    [protoB, 'acc_l3'],
    [t.adminKey, 'acc_l4'],
  ] as const) {
    expect((await create(key, id)).statusCode).toBe(201);
  }
  const base = { inputHash: 'h', initialRequirement: 20, maintenanceRequirement: 5, result: {} };
  const at = new Date('2026-01-01T00:00:00Z');
  const snapshots = t.engine.context.store.snapshots;
  await snapshots.insert({ ...base, account: accountId('acc_l1'), computedAt: at, equity: -100 });
  await snapshots.insert({ ...base, account: accountId('acc_l3'), computedAt: at, equity: 1_000 });
});
afterAll(() => t.close());

const list = (query: string, key: string) =>
  t.engine.app!.inject({ method: 'GET', url: `/v1/accounts${query}`, headers: bearer(key) });
const ids = (body: { accounts: { accountId: string }[] }) => body.accounts.map((a) => a.accountId);

describe('GET /v1/accounts', () => {
  it('pages every account for admins and operators, in id order, by an opaque cursor', async () => {
    const first = await list('?limit=3', t.adminKey);
    expect(first.statusCode).toBe(200);
    expect(ids(first.json())).toEqual(['acc_l1', 'acc_l2', 'acc_l3']);
    const { nextCursor } = first.json();
    expect(typeof nextCursor).toBe('string');
    expect(nextCursor).not.toContain('acc_');
    const second = await list(`?limit=3&cursor=${nextCursor}`, t.adminKey);
    expect(second.json()).toEqual({
      accounts: [{ accountId: 'acc_l4', createdAt: expect.any(Number), margin: null }],
      nextCursor: null,
    });
    const operator = await t.key('operator');
    expect(ids((await list('', operator)).json())).toEqual(['acc_l1', 'acc_l2', 'acc_l3', 'acc_l4']);
    expect(ids((await list('?protocol=proto_b', t.adminKey)).json())).toEqual(['acc_l3']);
  });

  it('filters by maintenance excess below a value and carries the latest snapshot', async () => {
    const r = await list('?maxMaintenanceExcess=0', t.adminKey);
    expect(r.json()).toEqual({
      accounts: [
        {
          accountId: 'acc_l1',
          createdAt: expect.any(Number),
          margin: {
            computedAt: 1_767_225_600,
            equity: -100,
            initialRequirement: 20,
            maintenanceRequirement: 5,
            initialExcess: -120,
            maintenanceExcess: -105,
          },
        },
      ],
      nextCursor: null,
    });
    expect(ids((await list('?maxMaintenanceExcess=996', t.adminKey)).json())).toEqual(['acc_l1', 'acc_l3']);
  });

  it('shows a protocol key only the accounts that grant its protocol', async () => {
    expect(ids((await list('', protoA)).json())).toEqual(['acc_l1', 'acc_l2']);
    expect(ids((await list('?protocol=proto_a&maxMaintenanceExcess=0', protoA)).json())).toEqual(['acc_l1']);
    expect(ids((await list('', protoB)).json())).toEqual(['acc_l3']);
    const other = await list('?protocol=proto_b', protoA);
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('API__FORBIDDEN');
    // Revoking the grant hides the account at once.
    await t.engine.context.store.grants.revoke({
      account: accountId('acc_l2'),
      protocol: 'proto_a',
      revokedBy: 'test',
    });
    expect(ids((await list('', protoA)).json())).toEqual(['acc_l1']);
  });

  it('refuses relayers, bad cursors and bad limits', async () => {
    const relayer = await t.key('relayer');
    expect((await list('', relayer)).statusCode).toBe(403);
    const bad = await list('?cursor=bm9wZQ', t.adminKey);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({
      code: 'API__INVALID_REQUEST',
      context: { part: 'querystring', issues: [{ path: '$.cursor' }] },
    });
    expect((await list('?limit=0', t.adminKey)).statusCode).toBe(400);
    expect((await list('?limit=501', t.adminKey)).statusCode).toBe(400);
  });

  it('is listed by @xmargin/client page by page', async () => {
    const baseUrl = await t.engine.listen(0);
    const client = createXmarginClient({ baseUrl, apiKey: t.adminKey, retries: 0 });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await client.accounts.list({ limit: 1, ...(cursor ? { cursor } : {}) });
      seen.push(...page.accounts.map((a) => a.accountId));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(['acc_l1', 'acc_l2', 'acc_l3', 'acc_l4']);
    const low = await client.accounts.list({ maxMaintenanceExcess: 0 });
    expect(low.accounts.map((a) => a.margin?.maintenanceExcess)).toEqual([-105]);
    const protocol = createXmarginClient({ baseUrl, apiKey: protoB, retries: 0 });
    const refused = await protocol.accounts.list({ protocol: 'proto_a' }).catch((e: unknown) => e);
    expect(isAppError(refused, 'API__FORBIDDEN')).toBe(true);
  });
});
