import { ChainQueryType, QueryRequest } from '@wormhole-foundation/wormhole-query-sdk';
import { AppError } from '@xmargin/errors';
import { bytesToHex } from 'viem';

/** Query types the devnet guardians answer, by their wire names. */
export const supportedQueryTypes = {
  [ChainQueryType.EthCallWithFinality]: 'eth_call_with_finality',
  [ChainQueryType.SolanaAccount]: 'sol_account',
} as const;

const queryTypeNames: Record<number, string> = {
  [ChainQueryType.EthCall]: 'eth_call',
  [ChainQueryType.EthCallByTimeStamp]: 'eth_call_by_timestamp',
  [ChainQueryType.EthCallWithFinality]: 'eth_call_with_finality',
  [ChainQueryType.SolanaAccount]: 'sol_account',
  [ChainQueryType.SolanaPda]: 'sol_pda',
};

function malformed(reason: string, cause?: unknown): AppError<'ATTESTATION__MALFORMED'> {
  return new AppError('ATTESTATION__MALFORMED', {
    shortMessage: `Invalid query request: ${reason}`,
    context: { reason },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Parses a serialized QueryRequest and checks that every per-chain request is one the devnet
 * guardians answer. The SDK parser ignores trailing bytes, so the request is re-serialized and
 * compared: a request that signs as something other than what was sent is rejected.
 */
export function parseQueryRequest(bytes: Uint8Array): QueryRequest {
  let request: QueryRequest;
  try {
    request = QueryRequest.from(bytes);
  } catch (cause) {
    throw malformed(cause instanceof Error ? cause.message : String(cause), cause);
  }
  const canonical = bytesToHex(request.serialize());
  const sent = bytesToHex(bytes);
  if (canonical !== sent) {
    if (sent.startsWith(canonical)) {
      throw new AppError('ATTESTATION__TRAILING_BYTES', {
        context: { what: 'QueryRequest', expected: (canonical.length - 2) / 2, actual: bytes.length },
      });
    }
    throw malformed('the request is not in canonical form (it would be signed as different bytes)');
  }
  if (request.requests.length === 0) throw malformed('no per-chain requests');
  for (const perChain of request.requests) {
    const type = perChain.query.type();
    if (!(type in supportedQueryTypes)) {
      const name = queryTypeNames[type] ?? `type ${type}`;
      throw malformed(
        `query type ${name} is not supported by the devnet guardians (supported: ${Object.values(supportedQueryTypes).join(', ')})`,
      );
    }
  }
  return request;
}
