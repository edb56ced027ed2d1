import { accountId, type ChainCursor, type EvmAddress } from '@xmargin/core';
import { type EvmDevnet, startEvmDevnet } from '@xmargin/devnet';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvmNetworkConfig } from './config.js';
import { createEvmCollateralSource, type EvmCollateralSource } from './create-evm-collateral-source.js';

let devnet: EvmDevnet;
let alice: Address;
let bob: Address;

beforeAll(async () => {
  devnet = await startEvmDevnet();
  [, alice, bob] = devnet.accounts as [Address, Address, Address];
  for (const who of [alice, bob]) await devnet.mint({ token: 'USDC', to: who, amount: 1_000_000_000n });
});
afterAll(async () => {
  await devnet?.stop();
});

function source(overrides: Partial<EvmNetworkConfig> = {}): EvmCollateralSource {
  const names = new Map([
    [alice.toLowerCase(), accountId('acc_alice')],
    [bob.toLowerCase(), accountId('acc_bob')],
  ]);
  return createEvmCollateralSource({
    chain: 'evm-devnet',
    rpcUrl: devnet.rpcUrl,
    vaults: [{ address: devnet.contracts.vault, startBlock: devnet.contracts.vaultDeployBlock }],
    tokens: { [devnet.token('USDC').address]: { asset: 'USDC', decimals: 6 } },
    resolveAccount: (holder: EvmAddress) => names.get(holder),
    finalityDepth: 0,
    ...overrides,
  });
}

const view = (obs: readonly { account: string; amount: bigint; height: bigint; blockHash: string }[]) =>
  obs.map((o) => [o.account, o.amount, o.height, o.blockHash]);

describe('reorg on the EVM devnet (snapshot, revert, different blocks)', () => {
  it('rolls back to the last block still on the chain and re-reads the replacement blocks', async () => {
    const s = source();
    const start = await s.poll(undefined);
    const aliceBefore = await devnet.vaultBalance(alice, 'USDC');
    const bobBefore = await devnet.vaultBalance(bob, 'USDC');

    const snap = await devnet.snapshot();
    const a1 = await devnet.deposit({ from: alice, token: 'USDC', amount: 100n });
    const b1 = await devnet.deposit({ from: bob, token: 'USDC', amount: 50n });
    const first = await s.poll(start.cursor);
    expect(view(first.observations)).toEqual([
      ['acc_alice', aliceBefore + 100n, a1.blockNumber, a1.blockHash],
      ['acc_bob', bobBefore + 50n, b1.blockNumber, b1.blockHash],
    ]);

    await devnet.revert(snap);
    // Different transactions at the same heights (and beyond): every block hash after the snapshot changes.
    const a2 = await devnet.deposit({ from: alice, token: 'USDC', amount: 70n });
    const a3 = await devnet.deposit({ from: alice, token: 'USDC', amount: 5n });
    const b2 = await devnet.deposit({ from: bob, token: 'USDC', amount: 1n });
    expect(a2.blockNumber).toBe(a1.blockNumber);
    expect(a2.blockHash).not.toBe(a1.blockHash);

    const second = await s.poll(first.cursor);
    expect(second.rollbackTo).toEqual(start.cursor);
    expect(view(second.observations)).toEqual([
      ['acc_alice', aliceBefore + 70n, a2.blockNumber, a2.blockHash],
      ['acc_alice', aliceBefore + 75n, a3.blockNumber, a3.blockHash],
      ['acc_bob', bobBefore + 1n, b2.blockNumber, b2.blockHash],
    ]);
    expect(second.cursor).toEqual({ chain: 'evm-devnet', height: b2.blockNumber, blockHash: b2.blockHash });

    const third = await s.poll(second.cursor);
    expect(third.rollbackTo).toBeUndefined();
    expect(third.observations).toEqual([]);
  });

  it('keeps observations below the fork: rolls back only to the newest block that survived', async () => {
    const s = source();
    const { cursor } = await s.poll(undefined);
    const kept = await devnet.deposit({ from: alice, token: 'USDC', amount: 3n });
    const snap = await devnet.snapshot();
    const lost = await devnet.deposit({ from: bob, token: 'USDC', amount: 4n });
    const first = await s.poll(cursor);
    expect(first.observations.map((o) => o.height)).toEqual([kept.blockNumber, lost.blockNumber]);

    await devnet.revert(snap);
    // A shorter replacement chain: the cursor's height no longer exists at all.
    const other = await devnet.transfer({ from: bob, token: 'USDC', to: alice, amount: 1n });
    expect(other.blockNumber).toBeLessThan(first.cursor.height);

    const second = await s.poll(first.cursor);
    expect(second.rollbackTo).toEqual({
      chain: 'evm-devnet',
      height: kept.blockNumber,
      blockHash: kept.blockHash,
    });
    expect(second.observations).toEqual([]);
    expect(second.cursor).toEqual({
      chain: 'evm-devnet',
      height: other.blockNumber,
      blockHash: other.blockHash,
    });
  });

  it('with a finality depth: rolls back at once, reads the replacement blocks once they are final', async () => {
    const s = source({ finalityDepth: 2 });
    await devnet.mine(2);
    const { cursor } = await s.poll(undefined);
    const snap = await devnet.snapshot();
    const d1 = await devnet.deposit({ from: alice, token: 'USDC', amount: 9n });
    await devnet.mine(2);
    const first = await s.poll(cursor);
    expect(first.observations.map((o) => o.height)).toEqual([d1.blockNumber]);

    await devnet.revert(snap);
    const d2 = await devnet.deposit({ from: bob, token: 'USDC', amount: 8n });
    // d2 is not final yet, but the block under the cursor was replaced: roll back now, read nothing yet.
    const second = await s.poll(first.cursor);
    expect(second.rollbackTo).toEqual(cursor);
    expect(second.observations).toEqual([]);
    await devnet.mine(2);
    const third = await s.poll(second.cursor);
    expect(third.rollbackTo).toBeUndefined();
    expect(third.observations.map((o) => [o.account, o.height])).toEqual([['acc_bob', d2.blockNumber]]);
  });

  it('falls back to maxReorgDepth blocks back when it remembers no block (e.g. after a restart)', async () => {
    const before = await source().poll(undefined);
    const snap = await devnet.snapshot();
    await devnet.deposit({ from: alice, token: 'USDC', amount: 2n });
    await devnet.mine(20);
    const stale: ChainCursor = (await source().poll(before.cursor)).cursor;
    await devnet.revert(snap);
    await devnet.deposit({ from: bob, token: 'USDC', amount: 2n });
    await devnet.mine(25);

    const fresh = source({ maxReorgDepth: 10 });
    const r = await fresh.poll(stale);
    const expectedHeight = stale.height - 10n;
    expect(r.rollbackTo?.height).toBe(expectedHeight);
    const block = await devnet.publicClient.getBlock({ blockNumber: expectedHeight });
    expect(r.rollbackTo?.blockHash).toBe(block.hash);
  });
});
