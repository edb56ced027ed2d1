import {
  type EthCallWithFinalityQueryRequest,
  EthCallWithFinalityQueryResponse,
} from '@wormhole-foundation/wormhole-query-sdk';
import { AppError } from '@xmargin/errors';
import type { Block, PublicClient } from 'viem';
import { rpcCall } from '../rpc-error.js';

export interface ExecuteEthCallWithFinalityParameters {
  readonly client: PublicClient;
  readonly rpcUrl: string;
  readonly wormholeChainId: number;
  /** Blocks behind head that count as final (0 on the devnet). */
  readonly finalityDepth: number;
  readonly query: EthCallWithFinalityQueryRequest;
}

function rejected(reason: string): AppError<'ATTESTATION__MALFORMED'> {
  return new AppError('ATTESTATION__MALFORMED', {
    shortMessage: `Cannot answer eth_call_with_finality: ${reason}`,
    context: { reason },
  });
}

/**
 * Answers one `eth_call_with_finality` request as a guardian does: the requested block (number or
 * hash) must exist and have reached the requested finality; every call runs at that block. Block time
 * is in microseconds, as on the wire.
 */
export async function executeEthCallWithFinality(
  params: ExecuteEthCallWithFinalityParameters,
): Promise<EthCallWithFinalityQueryResponse> {
  const { client, rpcUrl, query } = params;
  const chain = `wormhole:${params.wormholeChainId}`;
  if (query.callData.length === 0) throw rejected('the request has no calls');

  const byHash = /^0x[0-9a-fA-F]{64}$/.test(query.blockId);
  const block: Block | null = await rpcCall(chain, rpcUrl, 'eth_getBlockByNumber', () =>
    client
      .getBlock(
        byHash ? { blockHash: query.blockId as `0x${string}` } : { blockNumber: BigInt(query.blockId) },
      )
      .catch((err: unknown) => {
        if (err instanceof Error && err.name === 'BlockNotFoundError') return null;
        throw err;
      }),
  );
  if (block === null || block.number === null || block.hash === null) {
    throw rejected(`block ${query.blockId} does not exist (yet)`);
  }
  const blockNumber = block.number;
  // The devnet has no finality gadget: "safe" and "finalized" both mean head - finalityDepth.
  const head = await rpcCall(chain, rpcUrl, 'eth_blockNumber', () => client.getBlockNumber({ cacheTime: 0 }));
  const final = head - BigInt(params.finalityDepth);
  if (blockNumber > final) {
    throw rejected(`block ${blockNumber} has not reached ${query.finality} (final head ${final})`);
  }

  const results: string[] = [];
  for (const { to, data } of query.callData) {
    const result = await rpcCall(chain, rpcUrl, 'eth_call', () =>
      client.call({ to: to as `0x${string}`, data: data as `0x${string}`, blockNumber }),
    );
    // The wire format can carry an empty result but the SDK serializer cannot; calling an account
    // without code is almost always a mistake in the request anyway.
    if (result.data === undefined || result.data === '0x') {
      throw rejected(`eth_call to ${to} returned no data (no contract at that address?)`);
    }
    results.push(result.data);
  }
  return new EthCallWithFinalityQueryResponse(blockNumber, block.hash, block.timestamp * 1_000_000n, results);
}
