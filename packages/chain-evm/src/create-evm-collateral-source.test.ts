import {
  type AccountId,
  accountId,
  type ChainCursor,
  type EvmAddress,
  universalAddress,
} from '@xmargin/core';
import { type EvmDevnet, startEvmDevnet } from '@xmargin/devnet';
import { isAppError } from '@xmargin/errors';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvmNetworkConfig } from './config.js';
import { createEvmCollateralSource, type EvmCollateralSource } from './create-evm-collateral-source.js';

let devnet: EvmDevnet;
let alice: Address;
let bob: Address;
let carol: Address;
const sources: EvmCollateralSource[] = [];

beforeAll(async () => {
  devnet = await startEvmDevnet();
  [, alice, bob, carol] = devnet.accounts as [Address, Address, Address, Address];
  for (const who of [alice, bob, carol]) {
    await devnet.mint({ token: 'USDC', to: who, amount: 1_000_000_000n });
    await devnet.mint({ token: 'WETH', to: who, amount: 10n ** 19n });
  }
});
afterAll(async () => {
  await Promise.all(sources.map((s) => s.close()));
  await devnet?.stop();
});

const accounts = (): Map<string, AccountId> =>
  new Map([
    [alice.toLowerCase(), accountId('acc_alice')],
    [bob.toLowerCase(), accountId('acc_bob')],
  ]);

function source(overrides: Partial<EvmNetworkConfig> = {}): EvmCollateralSource {
  const known = accounts();
  const s = createEvmCollateralSource({
    chain: 'evm-devnet',
    rpcUrl: devnet.rpcUrl,
    vaults: [{ address: devnet.contracts.vault, startBlock: devnet.contracts.vaultDeployBlock }],
    tokens: { [devnet.token('USDC').address]: { asset: 'USDC', decimals: 6 } },
    resolveAccount: (holder: EvmAddress) => known.get(holder),
    finalityDepth: 0,
    multicallAddress: devnet.contracts.multicall3,
    ...overrides,
  });
  sources.push(s);
  return s;
}

/** Polls until caught up, collecting everything. */
async function drain(s: EvmCollateralSource, cursor?: ChainCursor) {
  const all = [];
  let c = cursor;
  for (;;) {
    const r = await s.poll(c);
    all.push(...r.observations);
    c = r.cursor;
    if (r.caughtUp) return { observations: all, cursor: c, last: r };
  }
}

describe('createEvmCollateralSource', () => {
  it('observes deposits and withdrawals with the balance after each, in chain order', async () => {
    const s = source();
    const first = await s.poll(undefined);
    const d1 = await devnet.deposit({ from: alice, token: 'USDC', amount: 300_000_000n });
    const d2 = await devnet.deposit({ from: bob, token: 'USDC', amount: 5_000_000n });
    const w1 = await devnet.withdraw({ from: alice, token: 'USDC', amount: 120_000_000n });
    const d3 = await devnet.deposit({ from: alice, token: 'USDC', amount: 1n });

    const r = await s.poll(first.cursor);
    expect(r.rollbackTo).toBeUndefined();
    expect(r.caughtUp).toBe(true);
    expect(r.observations.map((o) => [o.account, o.amount, o.height])).toEqual([
      ['acc_alice', 300_000_000n, d1.blockNumber],
      ['acc_bob', 5_000_000n, d2.blockNumber],
      ['acc_alice', 180_000_000n, w1.blockNumber],
      ['acc_alice', 180_000_001n, d3.blockNumber],
    ]);
    const o = r.observations[0]!;
    const block = await devnet.publicClient.getBlock({ blockNumber: d1.blockNumber });
    expect(o).toEqual({
      chain: 'evm-devnet',
      account: 'acc_alice',
      asset: 'USDC',
      token: universalAddress(devnet.token('USDC').address),
      holder: universalAddress(alice),
      amount: 300_000_000n,
      decimals: 6,
      height: d1.blockNumber,
      blockHash: d1.blockHash,
      source: 'indexer',
      observedAt: Number(block.timestamp),
      ref: expect.stringMatching(new RegExp(`^${d1.hash}:\\d+$`)),
    });
    expect(r.cursor).toEqual({ chain: 'evm-devnet', height: d3.blockNumber, blockHash: d3.blockHash });
    expect(await devnet.vaultBalance(alice, 'USDC')).toBe(180_000_001n);

    const again = await s.poll(r.cursor);
    expect(again.observations).toEqual([]);
    expect(again.cursor).toEqual(r.cursor);
  });

  it('skips and counts holders the resolver does not know and tokens the config does not index', async () => {
    const s = source();
    const { cursor } = await drain(s);
    await devnet.deposit({ from: carol, token: 'USDC', amount: 7n });
    await devnet.deposit({ from: alice, token: 'WETH', amount: 8n });
    await devnet.deposit({ from: bob, token: 'USDC', amount: 9n });
    const r = await s.poll(cursor);
    expect(r.skipped).toEqual({ unresolvedHolders: 1, unknownTokens: 1 });
    expect(r.observations.map((o) => o.account)).toEqual(['acc_bob']);
  });

  it('derives account ids from holders when no resolver is configured', async () => {
    const s = createEvmCollateralSource({
      chain: 'evm-devnet',
      rpcUrl: devnet.rpcUrl,
      vaults: [{ address: devnet.contracts.vault, startBlock: devnet.contracts.vaultDeployBlock }],
      tokens: { [devnet.token('WETH').address]: { asset: 'WETH', decimals: 18 } },
    });
    sources.push(s);
    const { observations } = await drain(s);
    expect(observations.map((o) => [o.account, o.amount])).toContainEqual([
      `acc_evm_${alice.slice(2).toLowerCase()}`,
      8n,
    ]);
  });

  it('backfills in bounded ranges and pieces, with the same result as one read', async () => {
    const whole = await drain(source());
    const pieces = await drain(source({ maxBlockRange: 3, maxBlocksPerPoll: 7 }));
    expect(pieces.observations).toEqual(whole.observations);
    expect(pieces.cursor).toEqual(whole.cursor);
    // Responses capped at ~2 logs: every range is halved down until its answer fits.
    const split = await drain(source({ maxResponseBytes: 2_000, retryCount: 0 }));
    expect(split.observations).toEqual(whole.observations);
    expect(whole.observations.length).toBe(5);
  });

  it('holds back blocks within the finality depth until enough blocks are mined on top', async () => {
    const s = source({ finalityDepth: 3 });
    const { cursor } = await drain(s);
    const d = await devnet.deposit({ from: bob, token: 'USDC', amount: 11n });
    const before = await s.poll(cursor);
    expect(before.observations.filter((o) => o.height === d.blockNumber)).toEqual([]);
    expect(before.finalHeight).toBe(d.blockNumber - 3n);
    await devnet.mine(3);
    const after = await s.poll(before.cursor);
    expect(after.observations.map((o) => [o.height, o.amount])).toContainEqual([d.blockNumber, 5_000_020n]);
    expect(after.cursor.height).toBe(d.blockNumber);
  });

  it('rejects a cursor of another chain and an RPC serving another chain id', async () => {
    const s = source();
    const err = await s.poll({ chain: 'ethereum', height: 1n, blockHash: '0x00' }).catch((e: unknown) => e);
    expect(isAppError(err, 'CHAIN__INVALID_CONFIG')).toBe(true);
    const wrong = source({ chain: 'evm-devnet-2' });
    const err2 = await wrong.poll(undefined).catch((e: unknown) => e);
    expect(isAppError(err2, 'CHAIN__INVALID_CONFIG')).toBe(true);
  });
});
