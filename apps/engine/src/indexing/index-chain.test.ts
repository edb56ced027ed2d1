import { type EvmDevnet, startEvmDevnet } from '@xmargin/devnet';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromScratch, seedMarketAndAccount, waitFor } from '../test-support/fixtures.js';
import { startTestEngine, type TestEngine } from '../test-support/harness.js';

let devnet: EvmDevnet;
let t: TestEngine;

beforeAll(async () => {
  devnet = await startEvmDevnet();
  const usdc = devnet.token('USDC').address;
  t = await startTestEngine('index-chain', {
    role: 'all',
    env: {
      INDEX_EVERY_MS: '1000',
      INDEX_NETWORKS: JSON.stringify([
        {
          chain: 'evm-devnet',
          rpcUrl: devnet.rpcUrl,
          vaults: [
            { address: devnet.contracts.vault, startBlock: devnet.contracts.vaultDeployBlock.toString() },
          ],
          tokens: { [usdc]: { asset: 'USDC', decimals: 6 } },
          multicallAddress: devnet.contracts.multicall3,
          finalityDepth: 0,
        },
      ]),
    },
  });
  await seedMarketAndAccount(t, 'acc_idx');
}, 120_000);

afterAll(async () => {
  await t?.close();
  await devnet?.stop();
});

it('index-chain polls the configured network on a schedule; vault deposits of linked holders reach the margin', async () => {
  const trader = devnet.accounts[1]!;
  await t.engine.context.store.accounts.linkAddress({
    account: 'acc_idx' as never,
    chain: 'evm',
    address: trader.toLowerCase(),
  });
  await devnet.mint({ token: 'USDC', to: trader, amount: 5_000_000_000n });
  await devnet.deposit({ from: trader, token: 'USDC', amount: 3_000_000_000n });
  // An unlinked depositor is skipped, not credited to anyone.
  await devnet.mint({ token: 'USDC', to: devnet.accounts[2]!, amount: 1_000_000n });
  await devnet.deposit({ from: devnet.accounts[2]!, token: 'USDC', amount: 1_000_000n });

  const schedulers = await t.engine.context.producers.queues['index-chain'].getJobSchedulers();
  expect(schedulers.map((s) => s.key)).toEqual(['index-chain-evm-devnet']);
  const snap = await waitFor(async () => {
    const s = await t.engine.context.marginCache.getView('acc_idx');
    return s?.summary && s.summary.equity > 0 ? s : undefined;
  }, 30_000);
  expect(snap.summary!.equity).toBeCloseTo(3_000, 6);
  const scratch = await fromScratch(t.engine.context.store, 'acc_idx', snap.asOf);
  expect(snap.inputHash).toBe(scratch.inputHash);
  const balances = await t.engine.context.store.balances.listByAccount('acc_idx' as never);
  expect(balances).toEqual([
    expect.objectContaining({
      chain: 'evm-devnet',
      asset: 'USDC',
      source: 'indexer',
      amount: 3_000_000_000n,
    }),
  ]);
  expect((await t.engine.context.store.cursors.get('evm-devnet'))?.height).toBeGreaterThan(0n);
}, 60_000);
