import type { QueryResponse } from '@wormhole-foundation/wormhole-query-sdk';
import { AppError } from '@xmargin/errors';
import { checkFreshness, checkMonotonicHeight } from '../freshness.js';
import { fromHex, type Hex, toHex } from '../internal/bytes.js';
import { keccak256 } from '../internal/keccak.js';
import { type RecoverAddress, recoverAddress } from '../secp256k1/recover.js';
import { verifyGuardianSignatures } from '../signatures.js';
import { quorum, type TrustStore, usableGuardianSet } from '../trust-store/trust-store.js';
import { type BoundQueryResult, bindQueryResponse, type ExpectedQuery } from './bind-query.js';
import { parseQueryResponse } from './parse-query-response.js';
import { parseQuerySignature, queryResponseDigest } from './query-signatures.js';

export interface VerifyQueryResponseParameters {
  /** The response bytes (hex string or bytes) as the query proxy returned them. */
  readonly response: Uint8Array | string;
  /** 66-byte hex signatures `r||s||v||guardianIndex`, ascending by guardian index. */
  readonly signatures: readonly string[];
  readonly trustStore: TrustStore;
  readonly now: number;
  /** Guardian set that signed (default: the store's current set; Queries signatures do not name it). */
  readonly guardianSetIndex?: number;
  /** The request this response must answer. Without it only signatures and encoding are checked. */
  readonly expected?: ExpectedQuery;
  /** Maximum age of the block the state was read at. */
  readonly maxAgeSeconds?: number;
  /** Block/slot of the last applied observation for the same (chain, holder, asset): older rejects. */
  readonly lastAppliedHeight?: bigint | null;
  readonly recover?: RecoverAddress;
}

export interface VerifiedQueryResponse {
  readonly response: QueryResponse;
  readonly guardianSetIndex: number;
  readonly signers: readonly number[];
  /** keccak256(prefix || keccak256(bytes)): what the guardians signed. */
  readonly digest: Hex;
  /** keccak256(bytes): the replay key (never the signatures, which are malleable and subset-dependent). */
  readonly replayKey: Hex;
  /** The balance the response proves, when `expected` was given. */
  readonly result?: BoundQueryResult;
}

/**
 * Verifies a Wormhole Queries response: canonical encoding, a quorum of guardian signatures over the
 * Queries digest (same index, range and signer rules as VAAs), then the binding to the expected request,
 * freshness of the block and monotonic block/slot per (chain, holder, asset).
 */
export function verifyQueryResponse(params: VerifyQueryResponseParameters): VerifiedQueryResponse {
  const bytes = typeof params.response === 'string' ? fromHex(params.response, 'response') : params.response;
  const response = parseQueryResponse(bytes);
  const index = params.guardianSetIndex ?? params.trustStore.current;
  const set = usableGuardianSet(params.trustStore, index, params.now);
  const required = quorum(set.keys.length);
  if (params.signatures.length < required) {
    throw new AppError('ATTESTATION__QUORUM_NOT_MET', {
      shortMessage: `${params.signatures.length} signatures, ${required} of ${set.keys.length} required`,
      context: { signatures: params.signatures.length, required, setSize: set.keys.length },
    });
  }
  const signatures = params.signatures.map(parseQuerySignature);
  const digest = queryResponseDigest(bytes);
  verifyGuardianSignatures({
    digest,
    signatures,
    keys: set.keys,
    recover: params.recover ?? recoverAddress,
  });
  const verified = {
    response,
    guardianSetIndex: index,
    signers: signatures.map((s) => s.guardianIndex),
    digest: toHex(digest),
    replayKey: toHex(keccak256(bytes)),
  };
  if (!params.expected) return verified;
  const result = bindQueryResponse(response, params.expected);
  if (params.maxAgeSeconds !== undefined) {
    checkFreshness({ timestamp: result.blockTime, now: params.now, maxAgeSeconds: params.maxAgeSeconds });
  }
  const height = result.kind === 'evm-balance' ? result.blockNumber : result.slot;
  const key =
    result.kind === 'evm-balance'
      ? `${result.chainId}:${result.holder}:${result.token}`
      : `${result.chainId}:${result.owner}:${result.mint}`;
  checkMonotonicHeight({ key, height, lastApplied: params.lastAppliedHeight });
  return { ...verified, result };
}
