/** An un-escrowed ERC-20 balance: `balanceOf(holder)` on `token`, attested through Wormhole Queries. */
export interface EvmBalanceTarget {
  readonly kind: 'evm-balance';
  readonly accountId: string;
  /** Network name in the chain registry (what the engine files the balance under), e.g. `evm-devnet`. */
  readonly chain: string;
  readonly wormholeChainId: number;
  /** JSON-RPC of the chain, to pick the finalized block the query pins. */
  readonly rpcUrl: string;
  readonly token: `0x${string}`;
  readonly holder: `0x${string}`;
  /** How long the engine counts a query result (its attestation lifetime), seconds. */
  readonly validitySeconds: number;
  /** Re-query this long before the previous result expires, seconds. */
  readonly refreshBeforeExpirySeconds: number;
}

/** An SPL token account (Token or Token-2022) read with a `sol_account` query. */
export interface SplAccountTarget {
  readonly kind: 'spl-account';
  readonly accountId: string;
  readonly chain: string;
  readonly wormholeChainId: number;
  /** Mint, base58. */
  readonly mint: string;
  /** The token account, base58. */
  readonly tokenAccount: string;
  /**
   * The wallet owning the token account, base58; the engine requires it to be linked. Default: the
   * owner field of the queried account, as the guardians signed it.
   */
  readonly owner?: string | undefined;
  readonly validitySeconds: number;
  readonly refreshBeforeExpirySeconds: number;
}

export type QueryTarget = EvmBalanceTarget | SplAccountTarget;

export function queryTargetKey(t: QueryTarget): string {
  return t.kind === 'evm-balance'
    ? `${t.chain}/${t.token.toLowerCase()}/${t.holder.toLowerCase()}`
    : `${t.chain}/${t.mint}/${t.tokenAccount}`;
}
