import { type EvmDevnet, startEvmDevnet } from '@xmargin/devnet';
import { isAppError } from '@xmargin/errors';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvmNetworkConfig } from './config.js';
import { createEvmCollateralSources } from './create-evm-collateral-sources.js';

let one: EvmDevnet;
let two: EvmDevnet;

beforeAll(async () => {
  [one, two] = await Promise.all([startEvmDevnet({ chainId: 1337 }), startEvmDevnet({ chainId: 1338 })]);
});
afterAll(async () => {
  await Promise.all([one?.stop(), two?.stop()]);
});

const config = (devnet: EvmDevnet, finalityDepth: number): EvmNetworkConfig => ({
  chain: devnet.chainName,
  rpcUrl: devnet.rpcUrl,
  vaults: [{ address: devnet.contracts.vault, startBlock: devnet.contracts.vaultDeployBlock }],
  tokens: {
    [devnet.token('USDC').address]: { asset: 'USDC', decimals: 6 },
    [devnet.token('WETH').address]: { asset: 'WETH', decimals: 18 },
  },
  finalityDepth,
  multicallAddress: devnet.contracts.multicall3,
});

describe('createEvmCollateralSources', () => {
  it('indexes two networks side by side, each with its own RPC and finality', async () => {
    const [s1, s2] = createEvmCollateralSources([config(one, 0), config(two, 1)]);
    expect([s1!.chain, s2!.chain]).toEqual(['evm-devnet', 'evm-devnet-2']);
    const [c1, c2] = await Promise.all([s1!.poll(undefined), s2!.poll(undefined)]);

    const alice = one.accounts[1] as Address;
    await one.mint({ token: 'USDC', to: alice, amount: 100n });
    await one.deposit({ from: alice, token: 'USDC', amount: 40n });
    await two.mint({ token: 'WETH', to: alice, amount: 100n });
    const d2 = await two.deposit({ from: alice, token: 'WETH', amount: 60n });
    await two.mine(1);

    const [r1, r2] = await Promise.all([s1!.poll(c1.cursor), s2!.poll(c2.cursor)]);
    expect(r1.observations.map((o) => [o.chain, o.asset, o.amount])).toEqual([['evm-devnet', 'USDC', 40n]]);
    expect(r2.observations.map((o) => [o.chain, o.asset, o.amount, o.height])).toEqual([
      ['evm-devnet-2', 'WETH', 60n, d2.blockNumber],
    ]);
    // Same deterministic deployer on both nodes: same addresses, different chains.
    expect(r1.observations[0]!.account).toBe(r2.observations[0]!.account);
    expect(r2.cursor.height).toBe(d2.blockNumber);
    await Promise.all([s1!.close(), s2!.close()]);
  });

  it('rejects the same chain configured twice', () => {
    let err: unknown;
    try {
      createEvmCollateralSources([config(one, 0), config(one, 0)]);
    } catch (e) {
      err = e;
    }
    expect(isAppError(err, 'CHAIN__INVALID_CONFIG')).toBe(true);
  });
});
