import {
  type Address,
  createPublicClient,
  defineChain,
  type Hash,
  type Hex,
  http,
  type PublicClient,
  type RpcLog,
  toHex,
} from 'viem';
import { rpcCall } from './classify-rpc-error.js';
import type { ResolvedNetworkConfig } from './config.js';

export interface BlockHeader {
  readonly number: bigint;
  readonly hash: Hash;
  readonly timestamp: bigint;
}

/** The RPC surface the adapter uses, every call classified into CHAIN__ codes. */
export interface EvmRpc {
  readonly client: PublicClient;
  blockNumber(): Promise<bigint>;
  chainId(): Promise<number>;
  /** Header of a block, or null when the chain has no block at that height (yet, or after a revert). */
  header(height: bigint): Promise<BlockHeader | null>;
  call<T>(method: string, run: (client: PublicClient) => Promise<T>): Promise<T>;
  /** Raw `eth_getLogs` for one filter, under the configured response size cap. */
  getLogs(filter: {
    address: readonly Address[];
    topics: readonly (readonly Hex[])[];
    fromBlock: bigint;
    toBlock: bigint;
  }): Promise<RpcLog[]>;
}

export function createEvmRpc(config: ResolvedNetworkConfig): EvmRpc {
  const chain = defineChain({
    id: config.evmChainId,
    name: config.chain,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
    contracts: { multicall3: { address: config.multicallAddress as Address } },
  });
  // Concurrent small requests (block headers, head + cursor block) go out as one JSON-RPC batch.
  const transport = http(config.rpcUrl, {
    batch: { batchSize: 100, wait: 0 },
    timeout: config.requestTimeoutMs,
    retryCount: config.retryCount,
  });
  // Log ranges each get their own HTTP request, so the response size cap applies per range and a range
  // that outgrows it can be split without failing the others.
  const logsTransport = http(config.rpcUrl, {
    timeout: config.requestTimeoutMs,
    retryCount: config.retryCount,
    maxResponseBodySize: config.maxResponseBytes,
  });
  // cacheTime 0: viem otherwise serves a stale block number for seconds, hiding new final blocks.
  const client = createPublicClient({ chain, transport, cacheTime: 0 }) as PublicClient;
  const logsClient = createPublicClient({ chain, transport: logsTransport, cacheTime: 0 }) as PublicClient;
  const call = <T>(method: string, run: (c: PublicClient) => Promise<T>): Promise<T> =>
    rpcCall({ chain: config.chain, url: config.rpcUrl, method }, () => run(client));
  return {
    client,
    call,
    getLogs: (f) =>
      rpcCall({ chain: config.chain, url: config.rpcUrl, method: 'eth_getLogs' }, () =>
        logsClient.request({
          method: 'eth_getLogs',
          params: [
            {
              address: [...f.address],
              topics: f.topics.map((t) => [...t]),
              fromBlock: toHex(f.fromBlock),
              toBlock: toHex(f.toBlock),
            },
          ],
        }),
      ) as Promise<RpcLog[]>,
    blockNumber: () => call('eth_blockNumber', (c) => c.getBlockNumber({ cacheTime: 0 })),
    chainId: () => call('eth_chainId', (c) => c.getChainId()),
    async header(height) {
      // Raw request: viem's getBlock throws on a missing block and formats fields we do not need.
      const block = await call('eth_getBlockByNumber', (c) =>
        c.request({ method: 'eth_getBlockByNumber', params: [toHex(height), false] }),
      );
      if (!block?.hash) return null;
      return {
        number: BigInt(block.number ?? toHex(height)),
        hash: block.hash,
        timestamp: BigInt(block.timestamp),
      };
    },
  };
}
