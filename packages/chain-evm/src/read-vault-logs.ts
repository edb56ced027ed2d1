import type { Address, Hash } from 'viem';
import type { EvmRpc } from './evm-rpc.js';
import { vaultEventsAbi } from './vault-events.js';

export interface VaultLog {
  readonly kind: 'deposit' | 'withdraw';
  readonly account: Address;
  readonly token: Address;
  readonly amount: bigint;
  readonly balance: bigint;
  readonly vaultNonce: bigint;
  readonly vault: Address;
  readonly blockNumber: bigint;
  readonly blockHash: Hash;
  readonly transactionHash: Hash;
  readonly logIndex: number;
}

export interface ReadVaultLogsParameters {
  readonly vaults: readonly Address[];
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
  /** Widest range per `eth_getLogs`. */
  readonly maxBlockRange: bigint;
  /** Ranges in flight at once (sent as one JSON-RPC batch). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal | undefined;
}

/** Splits [from, to] into ranges of at most `size` blocks. */
export function blockRanges(from: bigint, to: bigint, size: bigint): { from: bigint; to: bigint }[] {
  const out: { from: bigint; to: bigint }[] = [];
  for (let start = from; start <= to; start += size) {
    const end = start + size - 1n;
    out.push({ from: start, to: end < to ? end : to });
  }
  return out;
}

/** Reads and decodes vault Deposit/Withdraw events in [fromBlock, toBlock], in chain order. */
export async function readVaultLogs(rpc: EvmRpc, params: ReadVaultLogsParameters): Promise<VaultLog[]> {
  const ranges = blockRanges(params.fromBlock, params.toBlock, params.maxBlockRange);
  const concurrency = params.concurrency ?? 4;
  const results: VaultLog[][] = new Array(ranges.length);
  for (let i = 0; i < ranges.length; i += concurrency) {
    params.signal?.throwIfAborted();
    const batch = ranges.slice(i, i + concurrency);
    const read = await Promise.all(
      batch.map((r) =>
        rpc.call('eth_getLogs', (c) =>
          c.getLogs({
            address: [...params.vaults],
            events: vaultEventsAbi,
            fromBlock: r.from,
            toBlock: r.to,
            strict: true,
          }),
        ),
      ),
    );
    read.forEach((logs, j) => {
      results[i + j] = logs.map((log) => ({
        kind: log.eventName === 'Deposit' ? 'deposit' : 'withdraw',
        account: log.args.account,
        token: log.args.token,
        amount: log.args.amount,
        balance: log.args.balance,
        vaultNonce: log.args.vaultNonce,
        vault: log.address,
        blockNumber: log.blockNumber,
        blockHash: log.blockHash,
        transactionHash: log.transactionHash,
        logIndex: log.logIndex,
      }));
    });
  }
  // Ranges are ascending and each node returns its logs in (block, index) order.
  return results.flat();
}
