import { accountId, universalAddress } from '@xmargin/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../test-support/harness.js';
import { reverifyExpiring } from './reverify-expiring.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine('reverify', { role: 'api' });
});
afterAll(() => t.close());

it('asks relayers to re-attest balances expiring within the horizon and recomputes their accounts', async () => {
  const { store, redis, producers } = t.engine.context;
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
  });
  const waiting = await producers.queues['recompute-account'].getJobs(['waiting', 'prioritized']);
  expect(waiting.map((j) => [j.data.accountId, j.data.reason])).toEqual([['acc_old', 'reverify']]);
});
