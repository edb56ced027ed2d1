import { verifyVaa } from '@xmargin/attestation';
import { devnetTrustStore } from '@xmargin/attestation/testing';
import { isAppError } from '@xmargin/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EvmDevnet, startEvmDevnet } from '../evm/index.js';
import { startDevnetGuardians } from './start-devnet-guardians.js';
import type { DevnetGuardians } from './types.js';

let ethereum: EvmDevnet;
let arbitrum: EvmDevnet;
let guardians: DevnetGuardians;

beforeAll(async () => {
  [ethereum, arbitrum] = await Promise.all([
    startEvmDevnet({ chainId: 1337 }),
    startEvmDevnet({ chainId: 1338 }),
  ]);
  guardians = await startDevnetGuardians({
    evmChains: [
      { rpcUrl: ethereum.rpcUrl, wormholeChainId: 2, coreBridge: ethereum.contracts.coreBridge },
      {
        rpcUrl: arbitrum.rpcUrl,
        wormholeChainId: 23,
        coreBridge: arbitrum.contracts.coreBridge,
        emitters: [arbitrum.contracts.vault],
      },
    ],
    pollIntervalMs: 20,
  });
});

afterAll(async () => {
  await guardians?.stop();
  await Promise.all([ethereum?.stop(), arbitrum?.stop()]);
});

describe('startDevnetGuardians with several EVM chains', () => {
  it('signs each chain’s messages under its own Wormhole chain id', async () => {
    for (const [devnet, chainId] of [
      [ethereum, 2],
      [arbitrum, 23],
    ] as const) {
      const trader = devnet.accounts[1];
      if (!trader) throw new Error('no trader account');
      await devnet.mint({ token: 'WETH', to: trader, amount: 10n ** 18n });
      await devnet.deposit({ from: trader, token: 'WETH', amount: 10n ** 17n });
      const vaa = await guardians.waitForVaa(chainId, devnet.contracts.vault, 0n, 5000);
      const verified = verifyVaa(vaa, {
        trustStore: devnetTrustStore(),
        now: Math.floor(Date.now() / 1000),
        emitters: { collateral: [{ chain: chainId, address: devnet.contracts.vault }] },
        kind: 'collateral',
      });
      expect(verified.emitterChain).toBe(chainId);
    }
  });

  it('keeps polling through an unreachable node and says why a wait timed out', async () => {
    const down = await startDevnetGuardians({ evmRpcUrl: 'http://127.0.0.1:9', pollIntervalMs: 10 });
    try {
      await down.sync();
      expect(isAppError(down.lastPollError, 'CHAIN__RPC_UNAVAILABLE')).toBe(true);
      const err = await down.waitForVaa(2, ethereum.contracts.vault, 0n, 50).catch((e: unknown) => e);
      expect(isAppError(err, 'CHAIN__RPC_TIMEOUT')).toBe(true);
      expect(isAppError((err as Error).cause, 'CHAIN__RPC_UNAVAILABLE')).toBe(true);
    } finally {
      await down.stop();
    }
  });

  it('refuses a configuration it could not sign for', async () => {
    const attempts = [
      startDevnetGuardians({ evmChains: [{ rpcUrl: ethereum.rpcUrl, wormholeChainId: 1337 }] }),
      startDevnetGuardians({
        evmChains: [
          { rpcUrl: ethereum.rpcUrl, wormholeChainId: 2 },
          { rpcUrl: arbitrum.rpcUrl, wormholeChainId: 2 },
        ],
      }),
      startDevnetGuardians({ evmRpcUrl: ethereum.rpcUrl, signerIndices: [3, 1] }),
      startDevnetGuardians({ evmRpcUrl: ethereum.rpcUrl, signerIndices: [19] }),
    ];
    for (const attempt of attempts) {
      const err = await attempt.catch((e: unknown) => e);
      expect(isAppError(err, 'CONFIG__INVALID')).toBe(true);
    }
  });
});
