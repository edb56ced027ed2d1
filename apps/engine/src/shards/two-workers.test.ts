import { accountId } from '@xmargin/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkConsistency } from '../margin/consistency-check.js';
import { marketData, positions, putMarketData, seedBalance, waitFor } from '../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../test-support/harness.js';

// Two worker processes share the shards (one took them all first and handed half back); a market move
// posted to the API then reaches every account, whichever worker holds it.
let api: TestEngine;
const workers: TestEngine[] = [];
const ids = Array.from({ length: 80 }, (_, i) => `acc_two_${i}`);
const consistent = async () =>
  (await checkConsistency({ store: api.engine.context.store, cache: api.engine.context.marginCache }, ids))
    .length === 0
    ? true
    : undefined;

beforeAll(async () => {
  api = await startTestEngine('two', { role: 'api', env: { SHARDS: '8' } });
  const { store } = api.engine.context;
  await putMarketData(store);
  for (const [i, id] of ids.entries()) {
    await store.accounts.create({ id: accountId(id) });
    await store.positions.replace({
      protocol: 'proto_a',
      account: accountId(id),
      positions: positions(10 + (i % 10)).map(({ id: positionId, ...doc }) => ({
        positionId,
        underlying: doc.underlying,
        doc,
      })),
    });
    await seedBalance(store, id, {
      chain: 'evm-devnet',
      asset: 'USDC',
      amount: 90_000_000_000n,
      decimals: 6,
    });
  }
  const env = { SHARDS: '8', SHARD_LEASE_MS: '1500', CONSISTENCY_CHECK_EVERY_MS: '0' };
  const share = { prefix: api.prefix, schema: api.schema };
  workers.push(await startTestEngine('two', { role: 'worker', share, env }));
  await waitFor(consistent, 60_000);
  workers.push(await startTestEngine('two', { role: 'worker', share, env }));
  await waitFor(
    async () => (workers[1]!.engine.shardOwner!.leases.held().size === 4 ? true : undefined),
    30_000,
  );
}, 120_000);

afterAll(async () => {
  for (const w of workers) await w.close();
  await api.close();
});

it('a market move reaches every account of both workers', async () => {
  expect(workers[0]!.engine.shardOwner!.leases.held().size).toBe(4);
  const eth = marketData().markets.ETH;
  const postedAt = Date.now();
  const r = await api.engine.app!.inject({
    method: 'PUT',
    url: '/v1/market-data',
    headers: bearer(api.adminKey),
    payload: { markets: { ETH: { ...eth, spot: eth.spot * 1.01 } } },
  });
  expect(r.statusCode).toBe(200);
  await waitFor(async () => {
    const views = await api.engine.context.marginCache.getViews(ids);
    return views.every((v) => v && v.requestedAt >= postedAt) ? true : undefined;
  }, 30_000);
  expect(await consistent()).toBe(true);
});
