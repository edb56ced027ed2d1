import { AppError } from '@xmargin/errors';
import { type Address, ResponseBodyTooLargeError, type RpcLog } from 'viem';
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
 * Whether a failed `eth_getLogs` asked for too much at once: the response outgrew the size cap, or the
 * provider refused the range or the result count (-32005 "limit exceeded", or the many wordings of
 * "block range too large" / "more than N results").
 */
export function isRangeTooLarge(err: unknown): boolean {
  if (!(err instanceof AppError) || err.code !== 'CHAIN__RPC_ERROR') return false;
  if (err.walk((e) => e instanceof ResponseBodyTooLargeError)) return true;
  const rpcCode = (err.context as { rpcCode?: number }).rpcCode;
  if (rpcCode === -32005) return true;
  const text =
    err.walk() instanceof Error
      ? `${(err.walk() as Error).message} ${err.details ?? ''}`
      : (err.details ?? '');
  return /block range|range (is )?too (large|wide)|more than \d+ (results|logs)|too many (results|logs)|response size|limit exceeded/i.test(
    text,
  );
}

/** One range, halved and re-read while the provider says it is too large. */
async function readRange(
  rpc: EvmRpc,
  params: ReadVaultLogsParameters,
  from: bigint,
  to: bigint,
): Promise<RpcLog[]> {
  try {
    return await rpc.getLogs({
      address: params.vaults,
      topics: [vaultEventTopics],
      fromBlock: from,
      toBlock: to,
    });
  } catch (err) {
    if (from === to || !isRangeTooLarge(err)) throw err;
    const mid = from + (to - from) / 2n;
    const left = await readRange(rpc, params, from, mid);
    return left.concat(await readRange(rpc, params, mid + 1n, to));
  }
}

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
    const read = await Promise.all(batch.map((r) => readRange(rpc, params, r.from, r.to)));
    read.forEach((logs, j) => {
      const decoded: VaultLog[] = [];
      for (const log of logs) {
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
