import type { Address } from 'viem';

/** One EVM chain the guardians observe and answer `eth_call_with_finality` queries for. */
export interface GuardianEvmChain {
  /** JSON-RPC URL of the node (ganache on the devnet). */
  readonly rpcUrl: string;
  /** Wormhole chain id that VAAs from this chain carry (the devnet reuses mainnet ids: 2 = Ethereum). */
  readonly wormholeChainId: number;
  /**
   * The core bridge whose `LogMessagePublished` events count. Real guardians watch exactly one
   * contract; without it any contract emitting the event gets its "message" signed, which is only
   * acceptable on a throwaway devnet.
   */
  readonly coreBridge?: Address;
  /** Only sign messages from these senders (the vaults); all senders when omitted. */
  readonly emitters?: readonly Address[];
  /** First block to scan (default 0). */
  readonly fromBlock?: bigint;
  /** Blocks behind head a block must be to count as final (default 0: the devnet finalises instantly). */
  readonly finalityDepth?: number;
}

export interface StartDevnetGuardiansOptions {
  /** Shorthand for one chain: `evmChains: [{ rpcUrl: evmRpcUrl, wormholeChainId: 2, coreBridge }]`. */
  readonly evmRpcUrl?: string;
  /** Core bridge for the `evmRpcUrl` shorthand. */
  readonly coreBridge?: Address;
  /** Wormhole chain id for the `evmRpcUrl` shorthand (default 2). */
  readonly wormholeChainId?: number;
  readonly evmChains?: readonly GuardianEvmChain[];
  /** Solana JSON-RPC URL that `sol_account` queries read (queries for Solana fail without it). */
  readonly solanaRpcUrl?: string;
  /** Wormhole chain id of the Solana devnet (default 1). */
  readonly solanaWormholeChainId?: number;
  /** Guardian private keys, in guardian-set order (default: the 19 devnet keys). */
  readonly keys?: readonly `0x${string}`[];
  /** Guardian set index written into VAAs (default 0). */
  readonly guardianSetIndex?: number;
  /** Which guardians sign, ascending (default: every key). */
  readonly signerIndices?: readonly number[];
  /** How often the chains are polled for new messages (default 100 ms). */
  readonly pollIntervalMs?: number;
  /** HTTP port on 127.0.0.1 (default: a free port). */
  readonly port?: number;
}

/** A `LogMessagePublished` event seen in a final block, before signing. */
export interface ObservedMessage {
  readonly emitterChain: number;
  /** 0x + 64 lower-case hex digits: the sender left-zero-padded. */
  readonly emitterAddress: `0x${string}`;
  readonly sequence: bigint;
  readonly nonce: number;
  readonly consistencyLevel: number;
  /** Unix seconds of the block holding the event. */
  readonly timestamp: number;
  readonly payload: Uint8Array;
  readonly blockNumber: bigint;
  readonly transactionHash: `0x${string}`;
}

export interface DevnetGuardians {
  /** Base URL of the guardian HTTP API, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Number of messages observed and signed so far. */
  readonly observedCount: number;
  /** The error the latest polling round hit (polling keeps going), undefined once a round succeeds. */
  readonly lastPollError: unknown;
  /**
   * Resolves with the signed VAA once observed. `emitter` is a 20-byte EVM address or a 32-byte
   * universal address (with or without 0x).
   */
  waitForVaa(
    chain: number,
    emitter: string,
    sequence: bigint | number,
    timeoutMs?: number,
  ): Promise<Uint8Array>;
  /** The signed VAA if already observed. */
  getVaa(chain: number, emitter: string, sequence: bigint | number): Uint8Array | undefined;
  /** Polls every chain now and resolves when done (tests use it instead of waiting for the timer). */
  sync(): Promise<void>;
  /** Stops polling, rejects pending waits and closes the HTTP server. Idempotent. */
  stop(): Promise<void>;
}
