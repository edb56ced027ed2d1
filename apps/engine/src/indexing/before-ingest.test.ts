import { type EvmDevnet, startEvmDevnet } from '@xmargin/devnet';
import { indexNetwork } from '@xmargin/schemas/env';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seedMarketAndAccount } from '../test-support/fixtures.js';
import { startTestEngine, type TestEngine } from '../test-support/harness.js';
import { createChainIndexer } from './create-chain-indexer.js';

let devnet: EvmDevnet;
let t: TestEngine;

beforeAll(async () => {
  devnet = await startEvmDevnet();
  // An API-only engine: no scheduled index round competes with the indexer built below.
  t = await startTestEngine('before-ingest', { role: 'api' });
  await seedMarketAndAccount(t, 'acc_bi');
}, 120_000);

afterAll(async () => {
  await t?.close();
  await devnet?.stop();
});

/**
 * The vault-event observer runs in this hook: it must see the height the balances were read to, and
 * run before they are written, so that a withdrawal reservation is closed no later than its debit is
 * indexed (a debited balance and its still-open reservation would count the withdrawal twice).
 */
it('calls beforeIngest with the polled height before the balances are written, and merges its accounts', async () => {
  const trader = devnet.accounts[1]!;
  const usdc = devnet.token('USDC').address;
  await t.engine.context.store.accounts.linkAddress({
    account: 'acc_bi' as never,
    chain: 'evm',
    address: trader.toLowerCase(),
  });
  await devnet.mint({ token: 'USDC', to: trader, amount: 2_000_000_000n });
  await devnet.deposit({ from: trader, token: 'USDC', amount: 2_000_000_000n });
  const calls: { chain: string; height: bigint; balancesSeen: number }[] = [];
  const indexer = createChainIndexer(
    t.engine.context,
    [
      indexNetwork.parse({
        chain: 'evm-devnet',
        rpcUrl: devnet.rpcUrl,
        vaults: [
          { address: devnet.contracts.vault, startBlock: devnet.contracts.vaultDeployBlock.toString() },
        ],
        tokens: { [usdc]: { asset: 'USDC', decimals: 6 } },
        multicallAddress: devnet.contracts.multicall3,
        finalityDepth: 0,
      }),
    ],
    {
      beforeIngest: async (chain, height) => {
        const balances = await t.engine.context.store.balances.listByAccount('acc_bi' as never);
        calls.push({ chain, height, balancesSeen: balances.length });
        return ['acc_other'];
      },
    },
  );
  try {
    const round = await indexer.indexChain('evm-devnet');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ chain: 'evm-devnet', balancesSeen: 0 });
    const cursor = await t.engine.context.store.cursors.get('evm-devnet');
    expect(calls[0]?.height).toBe(cursor?.height);
    expect(calls[0]?.height).toBe(await devnet.publicClient.getBlockNumber());
    expect(round.accounts).toEqual(['acc_bi', 'acc_other']);
    const after = await t.engine.context.store.balances.listByAccount('acc_bi' as never);
    expect(after).toEqual([expect.objectContaining({ asset: 'USDC', amount: 2_000_000_000n })]);
  } finally {
    await indexer.close();
  }
}, 60_000);
