import { type Address, type Block, hexToBytes, type PublicClient, pad, parseAbiItem } from 'viem';
import { rpcCall } from './rpc-error.js';
import type { ObservedMessage } from './types.js';

/** Wormhole's core bridge event, exactly as the real contract declares it. */
export const logMessagePublished = parseAbiItem(
  'event LogMessagePublished(address indexed sender, uint64 sequence, uint32 nonce, bytes payload, uint8 consistencyLevel)',
);

export interface EvmMessageWatcherParameters {
  readonly client: PublicClient;
  readonly rpcUrl: string;
  readonly wormholeChainId: number;
  readonly coreBridge?: Address;
  readonly emitters?: readonly Address[];
  readonly fromBlock?: bigint;
  readonly finalityDepth?: number;
}

export interface EvmMessageWatcher {
  /** Scans the final blocks not scanned yet and returns their messages in chain order. */
  poll(): Promise<ObservedMessage[]>;
}

/** Scanned ranges remembered to find where a reverted devnet forked off. */
const MAX_CHECKPOINTS = 1024;

/**
 * Watches one EVM chain for `LogMessagePublished`, the way a guardian does: a message is observed once
 * its block is final (head - finalityDepth; the devnet finalises instantly).
 *
 * Devnet tests revert ganache to snapshots, which replaces blocks the watcher already scanned. The end
 * block of every scanned range is remembered with its hash; when it changed, scanning resumes after the
 * newest one still on the chain, so a sequence published again after a revert is observed again.
 */
export function createEvmMessageWatcher(params: EvmMessageWatcherParameters): EvmMessageWatcher {
  const { client, rpcUrl, wormholeChainId } = params;
  const chain = `wormhole:${wormholeChainId}`;
  const depth = BigInt(params.finalityDepth ?? 0);
  const start = params.fromBlock ?? 0n;
  const checkpoints: { number: bigint; hash: `0x${string}` }[] = [];
  let lastHead: { number: bigint; hash: `0x${string}` | null } | undefined;

  const getBlock = (blockNumber: bigint): Promise<Block> =>
    rpcCall(chain, rpcUrl, 'eth_getBlockByNumber', () => client.getBlock({ blockNumber }));

  /** First block not scanned yet on the current chain. */
  async function resumeFrom(): Promise<bigint> {
    while (checkpoints.length > 0) {
      const last = checkpoints[checkpoints.length - 1];
      if (last === undefined) break;
      const current = await getBlock(last.number).catch(() => undefined);
      if (current?.hash === last.hash) return last.number + 1n;
      checkpoints.pop();
    }
    return start;
  }

  return {
    async poll() {
      const head = await rpcCall(chain, rpcUrl, 'eth_getBlockByNumber', () =>
        client.getBlock({ blockTag: 'latest' }),
      );
      if (head.number === null) return [];
      if (lastHead && lastHead.number === head.number && lastHead.hash === head.hash) return [];
      const from = await resumeFrom();
      const to = head.number - depth;
      if (to < from) {
        lastHead = { number: head.number, hash: head.hash };
        return [];
      }
      const logs = await rpcCall(chain, rpcUrl, 'eth_getLogs', () =>
        client.getLogs({
          event: logMessagePublished,
          ...(params.coreBridge ? { address: params.coreBridge } : {}),
          ...(params.emitters && params.emitters.length > 0
            ? { args: { sender: [...params.emitters] } }
            : {}),
          fromBlock: from,
          toBlock: to,
          strict: true,
        }),
      );

      const blocks = new Map<bigint, Promise<Block>>();
      const blockOf = (n: bigint): Promise<Block> => {
        let block = blocks.get(n);
        if (!block) {
          block = getBlock(n);
          blocks.set(n, block);
        }
        return block;
      };
      const messages: ObservedMessage[] = [];
      for (const log of logs) {
        if (log.blockNumber === null || log.transactionHash === null) continue;
        const block = await blockOf(log.blockNumber);
        messages.push({
          emitterChain: wormholeChainId,
          emitterAddress: pad(log.args.sender.toLowerCase() as Address, { size: 32 }),
          sequence: log.args.sequence,
          nonce: log.args.nonce,
          consistencyLevel: log.args.consistencyLevel,
          timestamp: Number(block.timestamp),
          payload: hexToBytes(log.args.payload),
          blockNumber: log.blockNumber,
          transactionHash: log.transactionHash,
        });
      }

      const end = to === head.number ? head : await blockOf(to);
      if (end.hash !== null) {
        checkpoints.push({ number: to, hash: end.hash });
        if (checkpoints.length > MAX_CHECKPOINTS) checkpoints.shift();
      }
      // Only a fully processed head may short-cut the next poll: a failed poll retries the range.
      lastHead = { number: head.number, hash: head.hash };
      return messages;
    },
  };
}
