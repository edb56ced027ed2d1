import { type AccountInfo, Connection, type FetchFn, PublicKey } from '@solana/web3.js';
import type { AppError } from '@xmargin/errors';
import { classifyRpcError } from './classify-rpc-error.js';

export interface SlotBlock {
  readonly slot: bigint;
  readonly blockhash: string;
  /** Unix seconds, null when the node does not know it. */
  readonly blockTime: number | null;
}

export interface AccountRead {
  readonly address: string;
  readonly info: AccountInfo<Buffer> | null;
  readonly slot: bigint;
}

export interface SolanaRpcOptions {
  readonly chain: string;
  readonly rpcUrl: string;
  readonly requestTimeoutMs: number;
  readonly signal?: AbortSignal;
}

/**
 * The adapter's reads, all at `finalized` commitment and never older than `minContextSlot`, with
 * failures classified (see classifyRpcError). One instance per poll: its fetch carries the poll's
 * abort signal and a per-request deadline.
 */
export class SolanaRpc {
  private readonly connection: Connection;

  constructor(private readonly options: SolanaRpcOptions) {
    const { requestTimeoutMs, signal } = options;
    const fetchWithDeadline: typeof fetch = (input, init) => {
      const timeout = AbortSignal.timeout(requestTimeoutMs);
      return fetch(input, { ...init, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    };
    this.connection = new Connection(options.rpcUrl, {
      commitment: 'finalized',
      // web3.js types its fetch after node-fetch; the global fetch is what it calls at runtime.
      fetch: fetchWithDeadline as unknown as FetchFn,
      // web3.js logs to the console while it retries 429s; a rate limit is reported as unavailable instead.
      disableRetryOnRateLimit: true,
    });
  }

  private async call<T>(method: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      // A caller's abort is not an RPC failure: surface the caller's reason unchanged.
      if (this.options.signal?.aborted) throw this.options.signal.reason;
      throw this.classify(err, method);
    }
  }

  private classify(err: unknown, method: string): AppError {
    return classifyRpcError(err, { chain: this.options.chain, url: this.options.rpcUrl, method });
  }

  /** One getMultipleAccounts call (≤100 keys). */
  async getMultipleAccounts(addresses: readonly string[], minContextSlot: bigint): Promise<AccountRead[]> {
    const res = await this.call('getMultipleAccounts', () =>
      this.connection.getMultipleAccountsInfoAndContext(
        addresses.map((a) => new PublicKey(a)),
        { commitment: 'finalized', minContextSlot: Number(minContextSlot) },
      ),
    );
    const slot = BigInt(res.context.slot);
    return addresses.map((address, i) => ({ address, info: res.value[i] ?? null, slot }));
  }

  async getTokenAccountsByOwner(
    owner: string,
    programId: PublicKey,
    minContextSlot: bigint,
  ): Promise<AccountRead[]> {
    const res = await this.call('getTokenAccountsByOwner', () =>
      this.connection.getTokenAccountsByOwner(
        new PublicKey(owner),
        { programId },
        { commitment: 'finalized', minContextSlot: Number(minContextSlot) },
      ),
    );
    const slot = BigInt(res.context.slot);
    return res.value.map((v) => ({ address: v.pubkey.toBase58(), info: v.account, slot }));
  }

  /** Blockhash and time of a finalized slot (getBlock without transactions). */
  async getSlotBlock(slot: bigint): Promise<SlotBlock> {
    const block = await this.call('getBlock', () =>
      this.connection.getBlock(Number(slot), {
        commitment: 'finalized',
        transactionDetails: 'none',
        rewards: false,
        maxSupportedTransactionVersion: 0,
      }),
    );
    if (block === null) throw this.classify(new Error(`no block for finalized slot ${slot}`), 'getBlock');
    return { slot, blockhash: block.blockhash, blockTime: block.blockTime ?? null };
  }
}
