import { decodeCollateralMessage, trustStoreFromJson, verifyVaa } from '@xmargin/attestation';
import { devnetGuardianAddresses } from '@xmargin/attestation/testing';
import type { Address } from 'viem';
import { describe, expect, it } from 'vitest';
import { startDevnet } from './index.js';

describe('startDevnet', () => {
  it('starts EVM, Solana and guardians wired together, and stops all of it cleanly', async () => {
    const devnet = await startDevnet();
    try {
      expect(await devnet.evm.publicClient.getChainId()).toBe(1337);
      expect(devnet.trustStore).toEqual({
        network: 'devnet',
        current: 0,
        sets: [{ index: 0, keys: [...devnetGuardianAddresses()], expiresAt: null }],
      });

      // EVM deposit -> core bridge message -> guardian-signed VAA that verifies against the trust store.
      const alice = devnet.evm.accounts[1] as Address;
      await devnet.evm.mint({ token: 'USDC', to: alice, amount: 5_000_000n });
      const tx = await devnet.evm.deposit({ from: alice, token: 'USDC', amount: 2_000_000n });
      await devnet.guardians.sync();
      const vaa = await devnet.guardians.waitForVaa(2, devnet.evm.contracts.vault, 0n, 5_000);
      const now = Math.floor(Date.now() / 1000);
      const verified = verifyVaa(vaa, { trustStore: trustStoreFromJson(devnet.trustStore), now });
      expect(verified.emitterChain).toBe(2);
      const message = decodeCollateralMessage(verified.payload);
      expect(message).toMatchObject({ kind: 'deposit', amount: 2_000_000n, balance: 2_000_000n });
      expect(message.sourceHeight).toBe(tx.blockNumber);

      // The Solana devnet answers JSON-RPC.
      const slot = await devnet.solana.connection().getSlot();
      expect(slot).toBeGreaterThanOrEqual(0);
    } finally {
      await devnet.stop();
      await devnet.stop();
    }
    await expect(fetch(devnet.evm.rpcUrl, { method: 'POST' })).rejects.toThrow();
    await expect(fetch(devnet.solana.rpcUrl, { method: 'POST' })).rejects.toThrow();
    await expect(fetch(`${devnet.guardians.url}/v1/signed_vaa/2/00/0`)).rejects.toThrow();
  });
});
