import { type Address, type RpcLog, toHex } from 'viem';
import { decodeVaultLog, type VaultLog, vaultEventTopics } from './decode-vault-log.js';
import type { EvmRpc } from './evm-rpc.js';

export interface ReadVaultLogsParameters {
  readonly vaults: readonly Address[];
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
  /** Widest range per `eth_getLogs`. */
  readonly maxBlockRange: bigint;
  /** Ranges in flight at once (sent as one JSON-RPC batch). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal | undefined;
  /** For error context. */
  readonly chain: string;
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

export type { VaultLog };

/**
 * Reads and decodes vault Deposit/Withdraw events in [fromBlock, toBlock], in chain order. Raw
 * `eth_getLogs` plus slice decoding: viem's per-log ABI decoding and formatting cost more than the
 * node's read itself on a backfill.
 */
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
          c.request({
            method: 'eth_getLogs',
            params: [
              {
                address: [...params.vaults],
                topics: [[...vaultEventTopics]],
                fromBlock: toHex(r.from),
                toBlock: toHex(r.to),
              },
            ],
          }),
        ),
      ),
    );
    read.forEach((logs, j) => {
      const decoded: VaultLog[] = [];
      for (const log of logs as RpcLog[]) {
        // Nodes may return logs of blocks being removed; they are not part of the chain.
        if (log.removed) continue;
        const v = decodeVaultLog(log, params.chain);
        if (v) decoded.push(v);
      }
      results[i + j] = decoded;
    });
  }
  // Ranges are ascending and each node returns its logs in (block, index) order.
  return results.flat();
}
