import {
  type AccountId,
  type Clock,
  getChain,
  type SolanaAddress,
  solanaAddress,
  systemClock,
} from '@xmargin/core';
import { AppError } from '@xmargin/errors';

/**
 * A token account registered to an account; the object form pins the mint and/or the wallet expected in
 * it. `escrow: true` marks an xmargin escrow (its `owner`, required, is the engine's escrow authority):
 * its balance is `escrowed`; every other balance the source reads is `unescrowed` (a wallet's own).
 */
export type RegisteredTokenAccount =
  | string
  | { readonly address: string; readonly mint?: string; readonly owner?: string; readonly escrow?: boolean };

export interface SolanaAccountRegistration {
  readonly account: AccountId;
  /** Token accounts read directly (Token or Token-2022). */
  readonly tokenAccounts?: readonly RegisteredTokenAccount[];
  /** Wallets whose token accounts (both programs) are discovered with getTokenAccountsByOwner. */
  readonly owners?: readonly string[];
}

export interface SolanaMintConfig {
  /** Asset symbol from the asset table (e.g. USDC). */
  readonly asset: string;
  readonly decimals: number;
}

export interface SolanaCollateralSourceConfig {
  /** Chain registry name of a Solana-platform chain (e.g. `solana`, `solana-devnet`). */
  readonly chain: string;
  readonly rpcUrl: string;
  readonly accounts: readonly SolanaAccountRegistration[];
  /** Mints counted as collateral, keyed by mint address. */
  readonly mints: Readonly<Record<string, SolanaMintConfig>>;
  /** Keys per getMultipleAccounts call (1-100, default 100: Solana's cap). */
  readonly batchSize?: number;
  /** Deadline per RPC request in milliseconds (default 10 000). */
  readonly requestTimeoutMs?: number;
  /** Used for `observedAt` only when the node has no block time for a slot. */
  readonly clock?: Clock;
}

export interface ResolvedTokenAccount {
  readonly account: AccountId;
  readonly address: SolanaAddress;
  readonly mint?: SolanaAddress;
  readonly owner?: SolanaAddress;
  readonly escrow: boolean;
}

export interface ResolvedConfig {
  readonly chain: string;
  readonly rpcUrl: string;
  readonly batchSize: number;
  readonly requestTimeoutMs: number;
  readonly clock: Clock;
  readonly mints: ReadonlyMap<SolanaAddress, SolanaMintConfig>;
  readonly tokenAccounts: readonly ResolvedTokenAccount[];
  readonly owners: ReadonlyMap<SolanaAddress, AccountId>;
}

export const MAX_BATCH_SIZE = 100;

/** Validates the adapter configuration once, at construction (CHAIN__INVALID_CONFIG). */
export function resolveConfig(config: SolanaCollateralSourceConfig): ResolvedConfig {
  const chain = config.chain;
  const invalid = (reason: string, cause?: unknown) =>
    new AppError('CHAIN__INVALID_CONFIG', {
      context: { chain, reason },
      ...(cause === undefined ? {} : { cause }),
    });
  let platform: string;
  try {
    platform = getChain(chain).platform;
  } catch (err) {
    throw invalid(`unknown chain ${chain}`, err);
  }
  if (platform !== 'solana') throw invalid(`chain ${chain} is not a Solana chain`);
  if (!/^https?:\/\/./.test(config.rpcUrl)) throw invalid('rpcUrl must be an http(s) URL');
  const batchSize = config.batchSize ?? MAX_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE)
    throw invalid(`batchSize must be an integer in 1..${MAX_BATCH_SIZE}`);
  const requestTimeoutMs = config.requestTimeoutMs ?? 10_000;
  if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0)
    throw invalid('requestTimeoutMs must be positive');

  const address = (value: string, what: string): SolanaAddress => {
    try {
      return solanaAddress(value);
    } catch (err) {
      throw invalid(`${what} ${String(value).slice(0, 64)} is not a Solana address`, err);
    }
  };

  const mints = new Map<SolanaAddress, SolanaMintConfig>();
  for (const [mint, spec] of Object.entries(config.mints)) {
    if (!spec.asset) throw invalid(`mint ${mint} has no asset`);
    if (!Number.isInteger(spec.decimals) || spec.decimals < 0 || spec.decimals > 255)
      throw invalid(`mint ${mint} decimals must be an integer in 0..255`);
    mints.set(address(mint, 'mint'), spec);
  }

  const tokenAccounts: ResolvedTokenAccount[] = [];
  const seenTokenAccounts = new Map<SolanaAddress, AccountId>();
  const owners = new Map<SolanaAddress, AccountId>();
  for (const reg of config.accounts) {
    for (const entry of reg.tokenAccounts ?? []) {
      const e = typeof entry === 'string' ? { address: entry } : entry;
      if (e.escrow === true && e.owner === undefined)
        throw invalid(`escrow token account ${e.address} must name its owner (the escrow authority)`);
      const resolved: ResolvedTokenAccount = {
        account: reg.account,
        address: address(e.address, 'token account'),
        ...(e.mint === undefined ? {} : { mint: address(e.mint, 'mint') }),
        ...(e.owner === undefined ? {} : { owner: address(e.owner, 'owner') }),
        escrow: e.escrow === true,
      };
      const previous = seenTokenAccounts.get(resolved.address);
      // One token account credited to two accounts would count the same tokens twice.
      if (previous !== undefined)
        throw invalid(`token account ${resolved.address} is registered twice (${previous}, ${reg.account})`);
      seenTokenAccounts.set(resolved.address, reg.account);
      tokenAccounts.push(resolved);
    }
    for (const owner of reg.owners ?? []) {
      const o = address(owner, 'owner');
      const previous = owners.get(o);
      if (previous !== undefined)
        throw invalid(`owner ${o} is registered twice (${previous}, ${reg.account})`);
      owners.set(o, reg.account);
    }
  }
  return {
    chain,
    rpcUrl: config.rpcUrl,
    batchSize,
    requestTimeoutMs,
    clock: config.clock ?? systemClock,
    mints,
    tokenAccounts,
    owners,
  };
}
