import { decodeCollateralMessage, verifyVaa } from '@xmargin/attestation';
import { devnetTrustStore } from '@xmargin/attestation/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EvmDevnet, startEvmDevnet } from '../evm/index.js';
import { startDevnetGuardians } from './start-devnet-guardians.js';
import type { DevnetGuardians } from './types.js';

let evm: EvmDevnet;
let guardians: DevnetGuardians;

beforeAll(async () => {
  evm = await startEvmDevnet();
  guardians = await startDevnetGuardians({
    evmRpcUrl: evm.rpcUrl,
    coreBridge: evm.contracts.coreBridge,
    pollIntervalMs: 20,
  });
});

afterAll(async () => {
  await guardians?.stop();
  await evm?.stop();
});

const emitterHex = (): string => `000000000000000000000000${evm.contracts.vault.slice(2).toLowerCase()}`;

describe('startDevnetGuardians', () => {
  it('serves a signed VAA for a vault deposit at the public API path', async () => {
    const [, trader] = evm.accounts;
    if (!trader) throw new Error('no trader account');
    await evm.mint({ token: 'USDC', to: trader, amount: 5_000_000n });
    const tx = await evm.deposit({ from: trader, token: 'USDC', amount: 2_000_000n });
    await guardians.waitForVaa(2, evm.contracts.vault, 0n, 5000);
    const res = await fetch(`${guardians.url}/v1/signed_vaa/2/${emitterHex()}/0`);
    expect(res.status).toBe(200);
    const { vaaBytes } = (await res.json()) as { vaaBytes: string };
    const block = await evm.publicClient.getBlock({ blockNumber: tx.blockNumber });
    const verified = verifyVaa(Buffer.from(vaaBytes, 'base64'), {
      trustStore: devnetTrustStore(),
      now: Number(block.timestamp),
      emitters: { collateral: [{ chain: 2, address: evm.contracts.vault }] },
      kind: 'collateral',
      maxAgeSeconds: 60,
    });
    expect(verified.signers).toHaveLength(19);
    expect(verified.emitterChain).toBe(2);
    expect(verified.emitterAddress).toBe(`0x${emitterHex()}`);
    expect(verified.sequence).toBe(0n);
    expect(verified.consistencyLevel).toBe(202);
    expect(verified.timestamp).toBe(Number(block.timestamp));
    const message = decodeCollateralMessage(verified.payload);
    expect(message).toEqual({
      kind: 'deposit',
      account: `0x${'0'.repeat(24)}${trader.slice(2).toLowerCase()}`,
      token: `0x${'0'.repeat(24)}${evm.token('USDC').address.slice(2).toLowerCase()}`,
      amount: 2_000_000n,
      balance: 2_000_000n,
      sourceHeight: tx.blockNumber,
      vaultNonce: 1n,
    });
    expect(guardians.observedCount).toBeGreaterThanOrEqual(1);
  });

  it('answers 404 in the public API shape for an unknown sequence, 400 for a bad path', async () => {
    const res = await fetch(`${guardians.url}/v1/signed_vaa/2/${emitterHex()}/99`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 5, message: 'requested VAA not found in store', details: [] });
    const bad = await fetch(`${guardians.url}/v1/signed_vaa/2/not-an-address/0`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: number }).code).toBe(3);
  });

  it('observes a sequence published again after the devnet is reverted to a snapshot', async () => {
    const [, trader] = evm.accounts;
    if (!trader) throw new Error('no trader account');
    const snapshot = await evm.snapshot();
    await evm.deposit({ from: trader, token: 'USDC', amount: 1_000_000n });
    const before = await guardians.waitForVaa(2, evm.contracts.vault, 1n, 5000);
    await evm.revert(snapshot);
    await evm.mine(3);
    await evm.deposit({ from: trader, token: 'USDC', amount: 500_000n });
    await expect
      .poll(() => guardians.getVaa(2, evm.contracts.vault, 1n), { timeout: 5000, interval: 20 })
      .not.toEqual(before);
  });

  it('rejects waits once stopped and closes its server', async () => {
    const other = await startDevnetGuardians({ evmRpcUrl: evm.rpcUrl, coreBridge: evm.contracts.coreBridge });
    const pending = other.waitForVaa(2, evm.contracts.vault, 1000n, 60_000).catch((e: unknown) => e);
    await other.stop();
    expect(await pending).toMatchObject({ code: 'CHAIN__RPC_UNAVAILABLE' });
    await expect(fetch(`${other.url}/v1/guardianset/current`)).rejects.toThrow();
    await other.stop();
  });

  it('signs only the configured emitters and a quorum subset when asked', async () => {
    const [, trader] = evm.accounts;
    if (!trader) throw new Error('no trader account');
    const filtered = await startDevnetGuardians({
      evmChains: [
        {
          rpcUrl: evm.rpcUrl,
          wormholeChainId: 2,
          coreBridge: evm.contracts.coreBridge,
          emitters: [trader],
        },
      ],
      signerIndices: [0, 2, 4, 6, 8, 10, 12, 14, 16, 17, 18, 1, 3].sort((a, b) => a - b),
    });
    const subset = await startDevnetGuardians({
      evmRpcUrl: evm.rpcUrl,
      coreBridge: evm.contracts.coreBridge,
      signerIndices: [1, 3, 5, 7, 9, 11, 13, 15, 16, 17, 18, 0, 2].sort((a, b) => a - b),
    });
    try {
      await Promise.all([filtered.sync(), subset.sync()]);
      expect(filtered.observedCount).toBe(0);
      expect(subset.observedCount).toBeGreaterThan(0);
      const vaa = subset.getVaa(2, evm.contracts.vault, 0n);
      if (!vaa) throw new Error('no VAA');
      const verified = verifyVaa(vaa, { trustStore: devnetTrustStore(), now: Math.floor(Date.now() / 1000) });
      expect(verified.signers).toEqual([0, 1, 2, 3, 5, 7, 9, 11, 13, 15, 16, 17, 18]);
    } finally {
      await Promise.all([filtered.stop(), subset.stop()]);
    }
  });

  it('serves the guardian set it signs with', async () => {
    const res = await fetch(`${guardians.url}/v1/guardianset/current`);
    const { guardianSet } = (await res.json()) as { guardianSet: { index: number; addresses: string[] } };
    expect(guardianSet.index).toBe(0);
    expect(guardianSet.addresses).toHaveLength(19);
    expect(guardianSet.addresses[0]).toBe('0xbeFA429d57cD18b7F8A4d91A2da9AB4AF05d0FBe');
  });
});
