import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoMarketData,
  type Stack,
  seedAccount,
  startStack,
  waitFor,
  waitForMargin,
} from './harness/index.js';

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

  it('a token account balance, proven by a signed sol_account Queries response, is unescrowed: it backs margin only at 1 - unescrowedHaircut', async () => {
    const client = await stack.protocol('perpx');
    // By default a wallet balance (it can leave at any time) backs nothing: the equity is the P&L alone.
    const explained = await waitFor(
      async () => {
        const e = await client.margin.explain('acc_e2e_sol');
        return e.chains.some((c) => c.assets.length > 0) ? e : undefined;
      },
      { what: 'the Solana balance to be attested', timeoutMs: 60_000, intervalMs: 250 },
    );
    expect(explained.chains).toEqual([
      expect.objectContaining({
        chain: 'solana-devnet',
        assets: [
          expect.objectContaining({
            asset: 'USDC',
            amount: 7_500,
            source: 'query',
            trust: 'unescrowed',
            countedAmount: 0,
          }),
        ],
      }),
    ]);
    expect(explained.summary.equity).toBeCloseTo(explained.summary.markToMarket, 6);
    expect(explained.attestations.map((a) => a.kind)).toEqual(['query']);
    const posted = stack.relayer?.events().filter((e) => e.msg === 'query-posted') ?? [];
    expect(posted[0]).toMatchObject({ outcome: 'accepted' });

    // An operator lets wallet USDC count at 80%.
    const version = await stack.engine.admin.admin.proposeParams({
      params: { preset: 'pmrm-v1-mainnet', overrides: { assets: { USDC: { unescrowedHaircut: 0.2 } } } },
    });
    await stack.engine.admin.admin.activateParams(version.version);
    const margin = await waitForMargin(
      client,
      'acc_e2e_sol',
      (m) => m.summary!.equity > 5_000,
      'the Solana balance to count at 80%',
      60_000,
    );
    expect(margin.summary!.equity).toBeCloseTo(6_000 + margin.summary!.markToMarket, 6);
    expect(margin.summary!.maintenanceRequirement).toBeGreaterThan(0);
    expect(margin.freshness.map((f) => f.chain)).toEqual(['solana-devnet']);
    const explain = await client.margin.explain('acc_e2e_sol');
    expect(explain.chains[0]?.assets[0]).toMatchObject({ trust: 'unescrowed', countedAmount: 6_000 });
  });
});
