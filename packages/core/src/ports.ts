import type { AccountId, UniversalAddress } from './ids.js';

/** Where a balance came from. */
export type ObservationSource = 'indexer' | 'vaa' | 'query';

/**
 * Trust class of a balance: `escrowed` funds only the engine releases (EVM vault, Solana escrow token
 * account owned by the engine's settlement key); `unescrowed` funds sit in the trader's own wallet.
 */
export type TrustClass = 'escrowed' | 'unescrowed';

/** One fact about collateral on a chain, as an adapter or attestation reports it. */
export interface CollateralObservation {
  /** Network name from the chain registry. */
  readonly chain: string;
  readonly account: AccountId;
  /** Asset symbol from the asset table (e.g. USDC, WETH). */
  readonly asset: string;
  /** Token contract or mint, universal form. */
  readonly token: UniversalAddress;
  /** Holder on chain (vault-credited account, wallet or token-account owner), universal form. */
  readonly holder: UniversalAddress;
  /** Balance after this observation, raw units. */
  readonly amount: bigint;
  readonly decimals: number;
  /** Block number (EVM) or slot (Solana). */
  readonly height: bigint;
  /** Block hash (EVM) or blockhash of the slot (Solana), 0x-hex or base58. */
  readonly blockHash: string;
  readonly source: ObservationSource;
  /** Unix seconds of the block. */
  readonly observedAt: number;
  /** Event or read that produced it, for audit (tx hash + log index, or account address). */
  readonly ref: string;
  /** Default from the source: `query` is unescrowed, anything else escrowed. */
  readonly trust?: TrustClass;
}

/** Position of an adapter in a chain: the last height it has fully processed and that block's hash. */
export interface ChainCursor {
  readonly chain: string;
  readonly height: bigint;
  readonly blockHash: string;
}

export interface CollateralPollResult {
  readonly observations: readonly CollateralObservation[];
  /** New cursor after this poll (unchanged when nothing new is final). */
  readonly cursor: ChainCursor;
  /**
   * Set when the adapter found that blocks after `rollbackTo.height` were replaced: the ledger must
   * drop observations above that height from this chain before applying `observations`.
   */
  readonly rollbackTo?: ChainCursor;
}

/** Implemented by every chain adapter (EVM, Solana). Pure reads; the ledger decides what to keep. */
export interface CollateralSource {
  readonly chain: string;
  /** Reads what became final since `cursor` (from genesis of the configured start when undefined). */
  poll(cursor: ChainCursor | undefined, signal?: AbortSignal): Promise<CollateralPollResult>;
  close(): Promise<void>;
}

/** Time as a parameter: pure packages never read the clock themselves. */
export interface Clock {
  /** Unix seconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Math.floor(Date.now() / 1000) };
