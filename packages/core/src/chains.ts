import { AppError } from '@xmargin/errors';
import { type WormholeChainId, wormholeChainId } from './ids.js';

export type ChainPlatform = 'evm' | 'solana' | 'pythnet';

/** How a chain's observations become final, and which Wormhole consistency levels count as final. */
export interface FinalityRule {
  /** EVM: blocks behind head considered final when the node has no `finalized` tag; Solana: unused. */
  readonly depth: number;
  /** Read commitment / block tag used by adapters. */
  readonly commitment: 'finalized' | 'safe' | 'latest';
  /** Wormhole consistency levels accepted as final for messages emitted on this chain. */
  readonly isFinalConsistency: (level: number) => boolean;
}

export interface ChainInfo {
  /** Our network name, used in configs, documents and the ledger. */
  readonly name: string;
  readonly platform: ChainPlatform;
  readonly wormholeChainId: WormholeChainId;
  /** EIP-155 chain id for EVM chains. */
  readonly evmChainId?: number;
  readonly finality: FinalityRule;
  readonly testnet: boolean;
}

// EVM core bridge: 200 = instant, 201 = safe, 202 = finalized; older contracts emit other values
// (e.g. 1, 15) meaning "after N confirmations", which guardians only sign once finalized.
const evmFinal = (level: number): boolean => level !== 200 && level !== 201 && level !== 203;
const solanaFinal = (level: number): boolean => level === 32;

const evm = (name: string, wh: number, evmChainId: number, testnet = false, depth = 64): ChainInfo => ({
  name,
  platform: 'evm',
  wormholeChainId: wormholeChainId(wh),
  evmChainId,
  finality: { depth, commitment: 'finalized', isFinalConsistency: evmFinal },
  testnet,
});

/** The networks xmargin supports. Devnets reuse their mainnet Wormhole ids, as Wormhole's devnet does. */
export const chains = {
  ethereum: evm('ethereum', 2, 1),
  arbitrum: evm('arbitrum', 23, 42161),
  optimism: evm('optimism', 24, 10),
  base: evm('base', 30, 8453),
  polygon: evm('polygon', 5, 137),
  solana: {
    name: 'solana',
    platform: 'solana',
    wormholeChainId: wormholeChainId(1),
    finality: { depth: 32, commitment: 'finalized', isFinalConsistency: solanaFinal },
    testnet: false,
  },
  pythnet: {
    name: 'pythnet',
    platform: 'pythnet',
    wormholeChainId: wormholeChainId(26),
    finality: { depth: 0, commitment: 'finalized', isFinalConsistency: () => true },
    testnet: false,
  },
  'evm-devnet': evm('evm-devnet', 2, 1337, true, 0),
  'evm-devnet-2': evm('evm-devnet-2', 23, 1338, true, 0),
  'solana-devnet': {
    name: 'solana-devnet',
    platform: 'solana',
    wormholeChainId: wormholeChainId(1),
    finality: { depth: 0, commitment: 'finalized', isFinalConsistency: solanaFinal },
    testnet: true,
  },
} as const satisfies Record<string, ChainInfo>;

export type ChainName = keyof typeof chains;

export function isChainName(name: string): name is ChainName {
  return Object.hasOwn(chains, name);
}

export function getChain(name: string): ChainInfo {
  if (!isChainName(name)) throw new AppError('CORE__UNKNOWN_CHAIN', { context: { chain: name } });
  return chains[name];
}

/** Mainnet chain with this Wormhole chain id (devnets share ids, so they are not returned here). */
export function chainByWormholeId(id: number): ChainInfo {
  const found = Object.values(chains).find((c) => !c.testnet && c.wormholeChainId === id);
  if (!found) throw new AppError('CORE__UNKNOWN_CHAIN', { context: { chain: id } });
  return found;
}
