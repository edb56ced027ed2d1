import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  baseLevels,
  demoMarketData,
  type RedisServer,
  type Stack,
  seedAccount,
  startRedisServer,
  startStack,
  waitForMargin,
} from './harness/index.js';

const USDC = 1_000_000n;
const ids = ['acc_rr_0', 'acc_rr_1', 'acc_rr_2', 'acc_rr_3'];
const QUANTITY = -2;

/** Perp price the demo market data derives from a spot (as in harness/market.ts). */
const perp = (spot: number) => Math.round(spot * 1.0003 * 100) / 100;

/**
 * The whole system keeps right margins across a Redis restarted EMPTY mid-run (the demo runs Redis
 * without persistence): the trust root, emitter registry and shard state come back from Postgres, a
 * valid VAA posted afterwards is accepted, and a price move after the restart reaches every account.
 * The stack runs on a private redis-server this file stops and starts on the same port.
 */
describe('Redis restarted empty mid-run', () => {
  let redis: RedisServer;
  let stack: Stack;
  let port: number;
  const equityBefore = new Map<string, number>();

  beforeAll(async () => {
    redis = await startRedisServer();
    port = Number(new URL(redis.url).port);
    stack = await startStack({ label: 'redis-restart', redisUrl: redis.url });
    await stack.oracle.marketData.update(demoMarketData(Math.floor(Date.now() / 1000)));
    for (const [i, id] of ids.entries()) {
      await seedAccount(stack, {
        id,
        evmAddress: stack.evm.accounts[i + 1] as Address,
        vault: [{ chain: 'evm-devnet', token: 'USDC', amount: 10_000 + 1_000 * i }],
        positions: [
          {
            protocol: 'perpx',
            position: { id: 'p', type: 'perp', underlying: 'ETH', quantity: QUANTITY, entryPrice: 3_000 },
          },
        ],
      });
    }
    await stack.startRelayer();
    const reader = await stack.protocol('perpx');
    for (const [i, id] of ids.entries()) {
      const m = await waitForMargin(
        reader,
        id,
        (s) => (s.summary?.equity ?? 0) > 9_000 + 1_000 * i,
        `${id}: its deposit in the margin`,
      );
      equityBefore.set(id, m.summary?.equity ?? Number.NaN);
    }
  });

  afterAll(async () => {
    await stack?.stop();
    await redis?.stop();
  });

  it('after the restart a valid VAA is accepted and a price move reaches every account', async () => {
    await redis.stop();
    redis = await startRedisServer('redis-server', port);

    // A deposit after the restart: its VAA verifies against the trust root rebuilt from Postgres.
    const depositor = stack.evm.accounts[1] as Address;
    await stack.evm.mint({ token: 'USDC', to: depositor, amount: 500n * USDC });
    await stack.evm.deposit({ from: depositor, token: 'USDC', amount: 500n * USDC });
    // And a price move: every account's margin must follow it.
    const moved = { ...baseLevels, eth: 2_700 };
    await stack.oracle.marketData.update(demoMarketData(Math.floor(Date.now() / 1000), moved));
    const markChange = QUANTITY * (perp(moved.eth) - perp(baseLevels.eth));

    const reader = await stack.protocol('perpx');
    for (const id of ids) {
      const deposit = id === 'acc_rr_0' ? 500 : 0;
      const expected = (equityBefore.get(id) ?? Number.NaN) + markChange + deposit;
      const m = await waitForMargin(
        reader,
        id,
        (s) => s.summary !== null && Math.abs(s.summary.equity - expected) < 1e-6,
        `${id}: the price move${deposit ? ' and the new deposit' : ''} after the restart`,
        120_000,
      );
      expect(m.status).not.toBe('stale');
      // The served margin equals a from-scratch computation of the ledger.
      const explain = await reader.margin.explain(id);
      expect(m.summary?.equity).toBeCloseTo(explain.summary?.equity ?? Number.NaN, 6);
      expect(m.summary?.maintenanceRequirement).toBeCloseTo(
        explain.summary?.maintenanceRequirement ?? Number.NaN,
        6,
      );
    }
    const posted = stack.relayer?.events().filter((e) => e.msg === 'vaa-posted') ?? [];
    expect(posted.filter((e) => e.outcome !== 'accepted')).toEqual([]);
    expect(posted).toHaveLength(ids.length + 1);
  });
});
