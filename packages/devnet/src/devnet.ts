import { type TrustStoreJson, trustStoreFromJson, trustStoreToJson } from '@xmargin/attestation';
import { addressOfPrivateKey, devnetGuardianKeys } from '@xmargin/attestation/testing';
import { chains, isChainName } from '@xmargin/core';
import { type EvmDevnet, type EvmDevnetOptions, startEvmDevnet } from './evm/index.js';
import {
  type DevnetGuardians,
  type StartDevnetGuardiansOptions,
  startDevnetGuardians,
} from './guardians/index.js';
import { type SolanaDevnet, type StartSolanaDevnetOptions, startSolanaDevnet } from './solana/index.js';

/** Guardian options startDevnet does not fill in itself (it wires the chains). */
export type DevnetGuardiansOptions = Omit<
  StartDevnetGuardiansOptions,
  'evmRpcUrl' | 'coreBridge' | 'wormholeChainId' | 'evmChains' | 'solanaRpcUrl'
>;

export interface DevnetOptions {
  readonly evm?: EvmDevnetOptions;
  readonly solana?: StartSolanaDevnetOptions;
  readonly guardians?: DevnetGuardiansOptions;
}

/** Every local chain and service the tests and the demo need, started together. */
export interface Devnet {
  readonly evm: EvmDevnet;
  readonly solana: SolanaDevnet;
  /** Observe the EVM devnet's core bridge (vault messages only) and answer Queries for both chains. */
  readonly guardians: DevnetGuardians;
  /** Trust store JSON of the guardian set the devnet guardians sign with (for engine/relayer config). */
  readonly trustStore: TrustStoreJson;
  /** Stops everything that was started, in reverse order; safe to call twice. */
  stop(): Promise<void>;
}

/** The trust store matching the guardians' keys and set index (the 19 devnet keys by default). */
function guardianTrustStore(opts: DevnetGuardiansOptions): TrustStoreJson {
  const index = opts.guardianSetIndex ?? 0;
  const keys = (opts.keys ?? devnetGuardianKeys()).map(addressOfPrivateKey);
  return trustStoreToJson(
    trustStoreFromJson({ network: 'devnet', current: index, sets: [{ index, keys, expiresAt: null }] }),
  );
}

/**
 * Starts the local devnet: the EVM node (ganache with the xmargin contracts), the LiteSVM-backed Solana
 * RPC, and devnet guardians watching the EVM vault's messages. A component that fails to start stops
 * the ones already running before the error propagates, so a failed start leaks nothing.
 */
export async function startDevnet(opts: DevnetOptions = {}): Promise<Devnet> {
  const stops: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = (): Promise<void> => {
    stopping ??= (async () => {
      const errors: unknown[] = [];
      while (stops.length > 0)
        await stops
          .pop()?.()
          .catch((e: unknown) => errors.push(e));
      if (errors.length > 0) throw errors[0];
    })();
    return stopping;
  };
  try {
    const guardianOptions = opts.guardians ?? {};
    const trustStore = guardianTrustStore(guardianOptions);
    const evm = await startEvmDevnet(opts.evm);
    stops.push(() => evm.stop());
    const solana = await startSolanaDevnet(opts.solana);
    stops.push(() => solana.stop());
    const guardians = await startDevnetGuardians({
      ...guardianOptions,
      evmChains: [
        {
          rpcUrl: evm.rpcUrl,
          // Devnets reuse mainnet Wormhole ids (evm-devnet = 2, Ethereum); an unregistered chain id gets 2 too.
          wormholeChainId: isChainName(evm.chainName) ? chains[evm.chainName].wormholeChainId : 2,
          coreBridge: evm.contracts.coreBridge,
          emitters: [evm.contracts.vault],
          fromBlock: evm.contracts.vaultDeployBlock,
        },
      ],
      solanaRpcUrl: solana.rpcUrl,
    });
    stops.push(() => guardians.stop());
    return { evm, solana, guardians, trustStore, stop: stopAll };
  } catch (err) {
    await stopAll().catch(() => undefined);
    throw err;
  }
}
