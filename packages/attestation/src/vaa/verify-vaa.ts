import { AppError } from '@xmargin/errors';
import { checkFreshness } from '../freshness.js';
import { toHex } from '../internal/bytes.js';
import { type RecoverAddress, recoverAddress } from '../secp256k1/recover.js';
import { verifyGuardianSignatures } from '../signatures.js';
import { quorum, type TrustStore, usableGuardianSet } from '../trust-store/trust-store.js';
import { deserializeVaa, type ParsedVaa } from './deserialize-vaa.js';
import type { DigestCache } from './digest-cache.js';
import { assertEmitterAllowed, type EmitterAllowList } from './emitters.js';
import { assertFinal } from './finality.js';
import { payloadDecoders } from './payload-decoders.js';

export interface VerifyVaaOptions {
  readonly trustStore: TrustStore;
  /** Unix seconds (the clock is a parameter: this package never reads it). */
  readonly now: number;
  /** When given, `(emitterChain, emitterAddress)` must be listed under `kind` (default "collateral"). */
  readonly emitters?: EmitterAllowList;
  /** Message kind: selects the allow-list entry and, for known kinds, the payload layout to check. */
  readonly kind?: string;
  /** When given, `now - timestamp` may not exceed it. */
  readonly maxAgeSeconds?: number;
  /** Skip recoveries for already-verified (header, digest) pairs. */
  readonly digestCache?: DigestCache;
  /** Skip the consistency-level check (governance VAAs and Pyth carry no source-chain finality). */
  readonly skipFinality?: boolean;
  /** Signature recoverer (the bench swaps backends); defaults to native libsecp256k1 or @noble/curves. */
  readonly recover?: RecoverAddress;
}

/** A VAA whose signatures, emitter, finality and (when asked) payload and freshness all checked out. */
export interface VerifiedVaa extends ParsedVaa {
  /** Guardian indices that signed, ascending. */
  readonly signers: readonly number[];
}

/**
 * Verifies VAA v1 bytes against the trust store, in the order of the attestation spec (section 1), each
 * failure with its own code: version and length, guardian set known / non-empty / not expired, quorum,
 * per-signature index order, range, recovery id and signer, emitter allow-list, finality, payload
 * layout, freshness. The replay key (keccak256 of the body) is returned for the ledger to consume.
 */
export function verifyVaa(bytes: Uint8Array, opts: VerifyVaaOptions): VerifiedVaa {
  const vaa = deserializeVaa(bytes);
  const set = usableGuardianSet(opts.trustStore, vaa.guardianSetIndex, opts.now);
  const required = quorum(set.keys.length);
  if (vaa.signatures.length < required) {
    throw new AppError('ATTESTATION__QUORUM_NOT_MET', {
      shortMessage: `${vaa.signatures.length} signatures, ${required} of ${set.keys.length} required`,
      context: { signatures: vaa.signatures.length, required, setSize: set.keys.length },
    });
  }
  const cacheKey = opts.digestCache ? toHex(vaa.headerBytes) + vaa.digest.slice(2) : undefined;
  const cached = cacheKey === undefined ? undefined : opts.digestCache?.get(cacheKey);
  const recovered = verifyGuardianSignatures({
    digest: vaa.digestBytes,
    signatures: vaa.signatures,
    keys: set.keys,
    recover: opts.recover ?? recoverAddress,
    ...(cached ? { recovered: cached } : {}),
  });
  if (cacheKey !== undefined && !cached) opts.digestCache?.set(cacheKey, recovered);
  if (opts.emitters) {
    assertEmitterAllowed(opts.emitters, opts.kind ?? 'collateral', vaa.emitterChain, vaa.emitterAddress);
  }
  if (!opts.skipFinality) assertFinal(vaa.emitterChain, vaa.consistencyLevel);
  if (opts.kind !== undefined) payloadDecoders[opts.kind]?.(vaa.payload);
  if (opts.maxAgeSeconds !== undefined) {
    checkFreshness({ timestamp: vaa.timestamp, now: opts.now, maxAgeSeconds: opts.maxAgeSeconds });
  }
  return { ...vaa, signers: vaa.signatures.map((s) => s.guardianIndex) };
}
