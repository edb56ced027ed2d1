import { type AccountId, type EvmAddress, evmAddress, getChain } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { Address } from 'viem';

export interface EvmVaultConfig {
  readonly address: Address;
  /** First block to index (the vault's deployment block). */
  readonly startBlock: bigint;
}

export interface EvmTokenConfig {
  /** Asset symbol from the asset table (e.g. USDC). */
  readonly asset: string;
  readonly decimals: number;
}

/**
 * Maps an on-chain holder to the xmargin account it belongs to. `undefined` means "not ours": the
 * observation is skipped and counted in `skipped.unresolvedHolders`.
 */
export type AccountResolver = (holder: EvmAddress, chain: string) => AccountId | undefined;

/** One EVM network. Several networks run side by side, each with its own config and RPC. */
export interface EvmNetworkConfig {
  /** Network name from the chain registry (`@xmargin/core` `chains`), e.g. `ethereum`, `evm-devnet`. */
  readonly chain: string;
  readonly rpcUrl: string;
  readonly vaults: readonly EvmVaultConfig[];
  /** Tokens to index, keyed by contract address (any case). Events of other tokens are skipped. */
  readonly tokens: Readonly<Record<string, EvmTokenConfig>>;
  /** Defaults to {@link holderAccountId} (an account id derived from the holder address). */
  readonly resolveAccount?: AccountResolver;
  /** Blocks behind head treated as final; defaults to the registry's depth for the chain. */
  readonly finalityDepth?: number;
  /** Widest `eth_getLogs` range (providers cap it); default 2,000. */
  readonly maxBlockRange?: number;
  /** Most blocks one poll reads, so a long backfill returns in pieces; default 100,000. */
  readonly maxBlocksPerPoll?: number;
  /** How far back a reorg is searched for when no remembered block matches; default 256. */
  readonly maxReorgDepth?: number;
  /** Multicall3 address; defaults to the canonical 0xcA11bde05977b3631167028862bE2a173976CA11. */
  readonly multicallAddress?: Address;
  readonly requestTimeoutMs?: number;
  /**
   * Largest `eth_getLogs` response accepted, in bytes (default: no cap; `maxBlockRange` bounds it). A
   * range whose answer is larger, or that the provider refuses as too large, is split in halves and
   * read again. Without a cap viem reads the body in one piece, which is markedly cheaper on backfills.
   */
  readonly maxResponseBytes?: number;
  /** viem transport retries before an error is classified; default 2. */
  readonly retryCount?: number;
}

export interface ResolvedNetworkConfig {
  readonly chain: string;
  readonly evmChainId: number;
  readonly rpcUrl: string;
  readonly vaults: readonly { readonly address: EvmAddress; readonly startBlock: bigint }[];
  readonly tokens: ReadonlyMap<EvmAddress, EvmTokenConfig>;
  readonly resolveAccount: AccountResolver;
  readonly finalityDepth: bigint;
  readonly maxBlockRange: bigint;
  readonly maxBlocksPerPoll: bigint;
  readonly maxReorgDepth: bigint;
  readonly multicallAddress: Address;
  readonly requestTimeoutMs: number;
  readonly maxResponseBytes: number | false;
  readonly retryCount: number;
}

export const CANONICAL_MULTICALL3: Address = '0xcA11bde05977b3631167028862bE2a173976CA11';

/**
 * The holder-derived account id `acc_evm_<40 hex>` used when no resolver is configured: every holder is
 * its own account, which is what a single-wallet deployment or the demo wants.
 */
export function holderAccountId(holder: EvmAddress): AccountId {
  return `acc_evm_${holder.slice(2)}` as AccountId;
}

function invalid(chain: string, reason: string): AppError<'CHAIN__INVALID_CONFIG'> {
  return new AppError('CHAIN__INVALID_CONFIG', { context: { chain, reason } });
}

function positiveInt(chain: string, name: string, value: number | undefined, fallback: number): bigint {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 1) throw invalid(chain, `${name} must be a positive integer`);
  return BigInt(v);
}

/** Validates a network config and fills the defaults. */
export function resolveNetworkConfig(config: EvmNetworkConfig): ResolvedNetworkConfig {
  const { chain } = config;
  const info = getChain(chain);
  if (info.platform !== 'evm' || info.evmChainId === undefined) {
    throw invalid(chain, 'not an EVM chain in the registry');
  }
  if (!/^https?:\/\//.test(config.rpcUrl)) throw invalid(chain, 'rpcUrl must be an http(s) URL');
  if (config.vaults.length === 0) throw invalid(chain, 'at least one vault is required');
  const toAddress = (a: string, what: string): EvmAddress => {
    try {
      return evmAddress(a);
    } catch (cause) {
      throw new AppError('CHAIN__INVALID_CONFIG', {
        context: { chain, reason: `${what} ${a} is not an address` },
        cause,
      });
    }
  };
  const vaults = config.vaults.map((v) => {
    if (v.startBlock < 0n) throw invalid(chain, `vault ${v.address} has a negative startBlock`);
    return { address: toAddress(v.address, 'vault'), startBlock: v.startBlock };
  });
  const tokens = new Map<EvmAddress, EvmTokenConfig>();
  for (const [address, token] of Object.entries(config.tokens)) {
    if (!Number.isInteger(token.decimals) || token.decimals < 0 || token.decimals > 77) {
      throw invalid(chain, `token ${address} has invalid decimals`);
    }
    tokens.set(toAddress(address, 'token'), token);
  }
  const finalityDepth = config.finalityDepth ?? info.finality.depth;
  if (!Number.isSafeInteger(finalityDepth) || finalityDepth < 0) {
    throw invalid(chain, 'finalityDepth must be a non-negative integer');
  }
  return {
    chain,
    evmChainId: info.evmChainId,
    rpcUrl: config.rpcUrl,
    vaults,
    tokens,
    resolveAccount: config.resolveAccount ?? holderAccountId,
    finalityDepth: BigInt(finalityDepth),
    maxBlockRange: positiveInt(chain, 'maxBlockRange', config.maxBlockRange, 2_000),
    maxBlocksPerPoll: positiveInt(chain, 'maxBlocksPerPoll', config.maxBlocksPerPoll, 100_000),
    maxReorgDepth: positiveInt(chain, 'maxReorgDepth', config.maxReorgDepth, 256),
    multicallAddress: config.multicallAddress ?? CANONICAL_MULTICALL3,
    requestTimeoutMs: Number(positiveInt(chain, 'requestTimeoutMs', config.requestTimeoutMs, 10_000)),
    maxResponseBytes: Number(
      positiveInt(chain, 'maxResponseBytes', config.maxResponseBytes, 10 * 1024 * 1024),
    ),
    retryCount: config.retryCount ?? 2,
  };
}
