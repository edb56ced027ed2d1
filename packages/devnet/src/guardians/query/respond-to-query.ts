import type { Connection } from '@solana/web3.js';
import {
  ChainQueryType,
  type EthCallWithFinalityQueryRequest,
  PerChainQueryResponse,
  QueryResponse,
  type SolanaAccountQueryRequest,
} from '@wormhole-foundation/wormhole-query-sdk';
import { AppError } from '@xmargin/errors';
import { bytesToHex, type PublicClient } from 'viem';
import { executeEthCallWithFinality } from './execute-eth-call-with-finality.js';
import { executeSolAccount } from './execute-sol-account.js';
import { parseQueryRequest } from './parse-query-request.js';

export interface QueryEvmTarget {
  readonly client: PublicClient;
  readonly rpcUrl: string;
  readonly finalityDepth: number;
}

export interface QuerySolanaTarget {
  readonly connection: Connection;
  readonly rpcUrl: string;
}

export interface RespondToQueryParameters {
  /** Serialized QueryRequest. */
  readonly request: Uint8Array;
  /**
   * The requester's 65-byte signature over the request; the response echoes it as the request id.
   * The devnet has no requester allow-list, so it is not checked; 65 zero bytes when absent.
   */
  readonly requestSignature?: Uint8Array;
  /** EVM chains by Wormhole chain id. */
  readonly evm: ReadonlyMap<number, QueryEvmTarget>;
  /** Solana chains by Wormhole chain id. */
  readonly solana: ReadonlyMap<number, QuerySolanaTarget>;
  /** Signs the serialized response: hex `r||s||v||guardianIndex` per signer. */
  readonly sign: (responseBytes: Uint8Array) => readonly string[] | Promise<readonly string[]>;
}

export interface QueryReply {
  /** Serialized QueryResponse, hex without 0x (the query proxy's shape). */
  readonly bytes: string;
  readonly signatures: readonly string[];
}

function unknownChain(chainId: number, kind: string): AppError<'CORE__UNKNOWN_CHAIN'> {
  return new AppError('CORE__UNKNOWN_CHAIN', {
    shortMessage: `The devnet guardians watch no ${kind} chain with Wormhole chain id ${chainId}`,
    context: { chain: chainId },
  });
}

/** Executes every per-chain request of a QueryRequest and returns the signed QueryResponse. */
export async function respondToQuery(params: RespondToQueryParameters): Promise<QueryReply> {
  const request = parseQueryRequest(params.request);
  const requestId = params.requestSignature ?? new Uint8Array(65);
  if (requestId.length !== 65) {
    throw new AppError('ATTESTATION__MALFORMED', {
      shortMessage: 'Invalid query request: the request signature must be 65 bytes',
      context: { reason: `request signature is ${requestId.length} bytes, expected 65` },
    });
  }

  const responses: PerChainQueryResponse[] = [];
  for (const perChain of request.requests) {
    const { chainId, query } = perChain;
    if (query.type() === ChainQueryType.EthCallWithFinality) {
      const target = params.evm.get(chainId);
      if (!target) throw unknownChain(chainId, 'EVM');
      const response = await executeEthCallWithFinality({
        ...target,
        wormholeChainId: chainId,
        query: query as EthCallWithFinalityQueryRequest,
      });
      responses.push(new PerChainQueryResponse(chainId, response));
    } else {
      const target = params.solana.get(chainId);
      if (!target) throw unknownChain(chainId, 'Solana');
      const response = await executeSolAccount({
        ...target,
        wormholeChainId: chainId,
        query: query as SolanaAccountQueryRequest,
      });
      responses.push(new PerChainQueryResponse(chainId, response));
    }
  }

  // Request chain 0 = an off-chain request, the only kind the query proxy serves.
  const response = new QueryResponse(0, bytesToHex(requestId), request, responses);
  const bytes = response.serialize();
  return { bytes: bytesToHex(bytes).slice(2), signatures: await params.sign(bytes) };
}
