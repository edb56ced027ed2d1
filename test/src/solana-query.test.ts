import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoMarketData, type Stack, seedAccount, startStack, waitForMargin } from './harness/index.js';

const REDIS_URL_TEST = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';

describe('Solana SPL balance end to end (LiteSVM -> guardian Queries -> relayer -> engine)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ label: 'solana', redisUrl: REDIS_URL_TEST, solana: true });
    await stack.oracle.marketData.update(demoMarketData(Math.floor(Date.now() / 1000)));
    const seeded = await seedAccount(stack, {
      id: 'acc_e2e_sol',
      solanaUsdc: 7_500,
      positions: [
        {
          protocol: 'perpx',
          position: { id: 'p1', type: 'perp', underlying: 'SOL', quantity: -20, entryPrice: 150 },
        },
      ],
    });
    if (!seeded.query) throw new Error('expected a Queries target for the SPL token account');
    await stack.startRelayer({ queries: [seeded.query] });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('a token account balance, proven by a signed sol_account Queries response, becomes margin', async () => {
    const client = await stack.protocol('perpx');
    const margin = await waitForMargin(
      client,
      'acc_e2e_sol',
      (m) => m.summary!.equity > 7_000,
      'the Solana balance to reach the margin snapshot',
      60_000,
    );
    expect(margin.summary!.equity).toBeCloseTo(7_500 + margin.summary!.markToMarket, 6);
    expect(margin.summary!.maintenanceRequirement).toBeGreaterThan(0);
    expect(margin.freshness.map((f) => f.chain)).toEqual(['solana-devnet']);

    const explain = await client.margin.explain('acc_e2e_sol');
    expect(explain.chains).toEqual([
      expect.objectContaining({
        chain: 'solana-devnet',
        assets: [expect.objectContaining({ asset: 'USDC', amount: 7_500, source: 'query' })],
      }),
    ]);
    expect(explain.attestations.map((a) => a.kind)).toEqual(['query']);
    const posted = stack.relayer?.events().filter((e) => e.msg === 'query-posted') ?? [];
    expect(posted[0]).toMatchObject({ outcome: 'accepted' });
  });
});
