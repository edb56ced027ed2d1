import { accountId, type EvmAddress, universalAddress } from '@xmargin/core';
import { type EvmDevnet, startEvmDevnet } from '@xmargin/devnet';
import { isAppError } from '@xmargin/errors';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvmCollateralSource, type EvmCollateralSource } from './create-evm-collateral-source.js';

let devnet: EvmDevnet;
let source: EvmCollateralSource;
let holders: Address[];

beforeAll(async () => {
  devnet = await startEvmDevnet({ accounts: 8 });
  holders = devnet.accounts.slice(1, 8);
  const usdc = devnet.token('USDC').address;
  const weth = devnet.token('WETH').address;
  const alice = holders[0]!.toLowerCase();
  source = createEvmCollateralSource({
    chain: 'evm-devnet',
    rpcUrl: devnet.rpcUrl,
    vaults: [{ address: devnet.contracts.vault, startBlock: devnet.contracts.vaultDeployBlock }],
    tokens: { [usdc]: { asset: 'USDC', decimals: 6 }, [weth]: { asset: 'WETH', decimals: 18 } },
    resolveAccount: (h: EvmAddress) => (h === alice ? accountId('acc_alice') : undefined),
    finalityDepth: 0,
    multicallAddress: devnet.contracts.multicall3,
  });
});
afterAll(async () => {
  await source?.close();
  await devnet?.stop();
});

describe('readBalances (Multicall3 aggregate3)', () => {
  it('reads holders x tokens at one block and follows transfers', async () => {
    const [alice, bob, carol] = holders as [Address, Address, Address];
    await devnet.mint({ token: 'USDC', to: alice, amount: 900n });
    await devnet.mint({ token: 'WETH', to: bob, amount: 10n ** 18n });
    await devnet.transfer({ from: alice, token: 'USDC', to: carol, amount: 250n });
    const deposited = await devnet.deposit({ from: alice, token: 'USDC', amount: 50n });

    const r = await source.readBalances({ holders });
    expect(r.height).toBe(deposited.blockNumber);
    expect(r.blockHash).toBe(deposited.blockHash);
    expect(r.balances).toHaveLength(holders.length * 2);
    const amountOf = (h: Address, asset: string) =>
      r.balances.find((b) => b.holder === h.toLowerCase() && b.asset === asset)?.amount;
    // Escrowed tokens are no longer in the wallet: 900 - 250 transferred - 50 deposited.
    expect(amountOf(alice, 'USDC')).toBe(600n);
    expect(amountOf(carol, 'USDC')).toBe(250n);
    expect(amountOf(bob, 'WETH')).toBe(10n ** 18n);
    expect(amountOf(bob, 'USDC')).toBe(0n);
    for (const b of r.balances) expect(await devnet.tokenBalance(b.token, b.holder)).toBe(b.amount);

    expect(r.skipped.unresolvedHolders).toBe((holders.length - 1) * 2);
    expect(r.observations.map((o) => [o.account, o.asset, o.amount])).toEqual([
      ['acc_alice', 'USDC', 600n],
      ['acc_alice', 'WETH', 0n],
    ]);
    expect(r.observations[0]).toMatchObject({
      holder: universalAddress(alice),
      token: universalAddress(devnet.token('USDC').address),
      height: deposited.blockNumber,
      source: 'indexer',
    });
  });

  it('reads at an earlier block when asked', async () => {
    const [alice, , carol] = holders as [Address, Address, Address];
    const before = await devnet.blockNumber();
    await devnet.transfer({ from: alice, token: 'USDC', to: carol, amount: 1n });
    const then = await source.readBalances({
      holders: [carol],
      tokens: [devnet.token('USDC').address],
      blockNumber: before,
    });
    const now = await source.readBalances({ holders: [carol], tokens: [devnet.token('USDC').address] });
    expect(now.balances[0]!.amount - then.balances[0]!.amount).toBe(1n);
  });

  it('rejects a token outside the config', async () => {
    const err = await source
      .readBalances({ holders, tokens: [devnet.contracts.vault] })
      .catch((e: unknown) => e);
    expect(isAppError(err, 'CHAIN__INVALID_CONFIG')).toBe(true);
  });

  it('goes through Multicall3: without one at the configured address the read fails as CHAIN__RPC_ERROR', async () => {
    const noMulticall = createEvmCollateralSource({
      chain: 'evm-devnet',
      rpcUrl: devnet.rpcUrl,
      vaults: [{ address: devnet.contracts.vault, startBlock: devnet.contracts.vaultDeployBlock }],
      tokens: { [devnet.token('USDC').address]: { asset: 'USDC', decimals: 6 } },
      finalityDepth: 0,
    });
    const err = await noMulticall.readBalances({ holders }).catch((e: unknown) => e);
    expect(isAppError(err, 'CHAIN__RPC_ERROR')).toBe(true);
  });
});
