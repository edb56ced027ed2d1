import {
  addressOfPrivateKey,
  devnetGuardianKeys,
  serializeVaaBody,
  signQueryResponse,
  signVaa,
} from '@xmargin/attestation/testing';
import { AppError } from '@xmargin/errors';
import { type Address, getAddress } from 'viem';
import type { ObservedMessage } from './types.js';

export interface GuardianSignerParameters {
  /** Private keys of the whole guardian set, in set order (default: the 19 devnet keys). */
  readonly keys?: readonly string[];
  readonly guardianSetIndex?: number;
  /** Guardians that sign, strictly ascending (default: every key). */
  readonly signerIndices?: readonly number[];
  /** Wormhole chain ids that will be signed for; checked up front so a bad id fails the start. */
  readonly emitterChains: readonly number[];
}

export interface GuardianSigner {
  readonly guardianSetIndex: number;
  /** Checksummed addresses of the whole set, in set order. */
  readonly addresses: readonly Address[];
  /** The full serialized VAA v1 of an observed message. */
  signVaa(message: ObservedMessage): Uint8Array;
  /** Signatures over a serialized QueryResponse: hex (no 0x) `r||s||v||guardianIndex`. */
  signQueryResponse(responseBytes: Uint8Array): string[];
}

function invalid(path: string, message: string, cause?: unknown): AppError<'CONFIG__INVALID'> {
  return new AppError('CONFIG__INVALID', {
    shortMessage: `Invalid devnet guardian configuration: ${path} ${message}`,
    context: { issues: [{ path, message }] },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * The guardians' signing half, on the attestation package's test signer: the same double-hash VAA
 * digest and CCQ prefix digest that `verifyVaa` / `verifyQueryResponse` check, every signature labelled
 * with the index of the guardian that made it.
 */
export function createGuardianSigner(params: GuardianSignerParameters): GuardianSigner {
  const keys = params.keys ?? devnetGuardianKeys();
  const guardianSetIndex = params.guardianSetIndex ?? 0;
  const signerIndices = params.signerIndices ?? keys.map((_, i) => i);
  if (keys.length === 0 || keys.length > 255) throw invalid('keys', 'must hold 1 to 255 keys');
  if (!Number.isInteger(guardianSetIndex) || guardianSetIndex < 0 || guardianSetIndex > 0xffffffff) {
    throw invalid('guardianSetIndex', 'must be a u32');
  }
  if (signerIndices.length === 0) throw invalid('signerIndices', 'must name at least one guardian');
  signerIndices.forEach((index, i) => {
    if (!Number.isInteger(index) || index < 0 || index >= keys.length) {
      throw invalid('signerIndices', `index ${index} is outside the ${keys.length}-key set`);
    }
    const previous = signerIndices[i - 1];
    if (previous !== undefined && index <= previous)
      throw invalid('signerIndices', 'must be strictly ascending');
  });
  let addresses: Address[];
  try {
    addresses = keys.map((k) => getAddress(addressOfPrivateKey(k)));
  } catch (cause) {
    throw invalid('keys', 'must be 32-byte hex secp256k1 private keys', cause);
  }
  for (const chain of params.emitterChains) {
    try {
      serializeVaaBody({
        timestamp: 0,
        emitterChain: chain,
        emitterAddress: `0x${'00'.repeat(32)}`,
        sequence: 0n,
        consistencyLevel: 0,
        payload: new Uint8Array(),
      });
    } catch (cause) {
      throw invalid('wormholeChainId', `${chain} is not a Wormhole chain id`, cause);
    }
  }

  return {
    guardianSetIndex,
    addresses,
    signVaa: (message) =>
      signVaa({
        timestamp: message.timestamp,
        nonce: message.nonce,
        emitterChain: message.emitterChain,
        emitterAddress: message.emitterAddress,
        sequence: message.sequence,
        consistencyLevel: message.consistencyLevel,
        payload: message.payload,
        guardianSetIndex,
        keys,
        signerIndices,
      }),
    signQueryResponse: (responseBytes) => signQueryResponse(responseBytes, keys, signerIndices),
  };
}
