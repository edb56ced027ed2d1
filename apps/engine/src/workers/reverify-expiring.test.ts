import { accountId, universalAddress } from '@xmargin/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeShardEvent } from '../shards/shard-events.js';
import { shardOf } from '../shards/shard-of.js';
import { bearer, startTestEngine, type TestEngine } from '../test-support/harness.js';
import { reverifyExpiring } from './reverify-expiring.js';

let t: TestEngine;
let relayer: string;
let protocol: string;
beforeAll(async () => {
  t = await startTestEngine('reverify', { role: 'api' });
  relayer = await t.key('relayer');
  protocol = await t.key('protocol', 'proto_a');
});
afterAll(() => t.close());

it('asks relayers to re-attest balances expiring within the horizon and recomputes their accounts', async () => {
  const { store, redis } = t.engine.context;
  const now = Math.floor(Date.now() / 1000);
  for (const [id, source, observedAt] of [
    // Default params: attested balances expire after 3,600 s; with a 600 s horizon, 3,000 s old is due.
    ['acc_old', 'vaa', now - 3_100],
    ['acc_fresh', 'vaa', now - 2_000],
    ['acc_indexed', 'indexer', now - 3_600],
  ] as const) {
    await store.accounts.create({ id: accountId(id) });
    await store.balances.upsert({
      account: accountId(id),
      chain: 'evm-devnet',
      asset: 'USDC',
      source,
      holder: universalAddress(`0x${'11'.repeat(20)}`),
      token: universalAddress(`0x${'22'.repeat(20)}`),
      amount: 1_000_000n,
      decimals: 6,
      height: 5n,
      observedAt,
    });
  }
  const r = await reverifyExpiring(t.engine.context, 600);
  expect(r).toEqual({ requested: 1, accounts: 1 });
  const entries = await redis.xrange(`${t.prefix}:reverify-requests`, '-', '+');
  expect(entries).toHaveLength(1);
  const fields = entries[0]![1];
  expect(
    Object.fromEntries(
      Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]]),
    ),
  ).toMatchObject({
    account: 'acc_old',
    chain: 'evm-devnet',
    asset: 'USDC',
    source: 'vaa',
  });
  // The account is re-margined through its shard's event stream (expired balances stop counting).
  const shard = shardOf('acc_old', t.engine.context.settings.shards);
  const events = await redis.xrange(t.engine.context.keys.shardEvents(shard), '-', '+');
  expect(events.map(([, f]) => decodeShardEvent(f))).toContainEqual(
    expect.objectContaining({ type: 'account', accountId: 'acc_old' }),
  );
});

it('serves the requests to relayers at GET /v1/attestations/reverify-requests, paged by stream id', async () => {
  const { store, redis } = t.engine.context;
  const stream = `${t.prefix}:reverify-requests`;
  await redis.del(stream);
  const now = Math.floor(Date.now() / 1000);
  for (const id of ['acc_q1', 'acc_q2', 'acc_q3']) {
    await store.accounts.create({ id: accountId(id) });
    await store.balances.upsert({
      account: accountId(id),
      chain: 'solana-devnet',
      asset: 'SOL',
      source: 'query',
      holder: universalAddress(`0x${'33'.repeat(32)}`),
      token: universalAddress(`0x${'44'.repeat(32)}`),
      amount: 5n,
      decimals: 9,
      height: 9n,
      observedAt: now - 3_500,
    });
  }
  // An entry from an older version (no source/holder): skipped, but the cursor moves past it.
  await redis.xadd(stream, '*', 'account', 'acc_legacy', 'chain', 'x', 'asset', 'y', 'observedAt', '1');
  await reverifyExpiring(t.engine.context, 600);
  const get = (query: string, key = relayer) =>
    t.engine.app!.inject({
      method: 'GET',
      url: `/v1/attestations/reverify-requests${query}`,
      headers: bearer(key),
    });

  const first = await get('?limit=2');
  expect(first.statusCode).toBe(200);
  const page1 = first.json() as { requests: { accountId: string }[]; next: string };
  // The legacy entry counts against the limit and is skipped.
  expect(page1.requests.map((r) => r.accountId)).toEqual(['acc_q1']);
  expect(page1.requests[0]).toMatchObject({
    chain: 'solana-devnet',
    asset: 'SOL',
    source: 'query',
    holder: `0x${'33'.repeat(32)}`,
    observedAt: now - 3_500,
  });
  const rest = (await get(`?after=${page1.next}`)).json() as {
    requests: { accountId: string }[];
    next: string;
  };
  // acc_old (vaa) is still expiring too, so it is requested again.
  expect(rest.requests.map((r) => r.accountId).sort()).toEqual(['acc_old', 'acc_q2', 'acc_q3']);
  const empty = (await get(`?after=${rest.next}`)).json();
  expect(empty).toEqual({ requests: [], next: rest.next });

  expect((await get('?after=yesterday')).json().error.code).toBe('API__INVALID_REQUEST');
  expect((await get('', protocol)).statusCode).toBe(403);
});
