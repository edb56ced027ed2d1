import { serializeLayout, toChain } from '@wormhole-foundation/sdk-base';
import {
  envelopeLayout,
  headerLayout,
  Signature,
  UniversalAddress,
} from '@wormhole-foundation/sdk-definitions';
import { concatBytes, fromHex, toUniversalHex } from '../internal/bytes.js';
import { keccak256 } from '../internal/keccak.js';
import { devnetGuardianKeys } from './devnet-keys.js';
import { signDigest } from './sign.js';

export interface VaaBodyFields {
  readonly timestamp: number;
  readonly nonce?: number;
  readonly emitterChain: number;
  /** 20-byte or 32-byte hex; padded to 32. */
  readonly emitterAddress: string;
  readonly sequence: bigint;
  readonly consistencyLevel: number;
  readonly payload: Uint8Array;
}

export type SignVaaParameters = (VaaBodyFields | { readonly bodyBytes: Uint8Array }) & {
  readonly guardianSetIndex?: number;
  /** Private keys of the whole set, index = guardian index (default: the 19 devnet keys). */
  readonly keys?: readonly string[];
  /** Guardians that sign, in the order their signatures are written (default: the first quorum). */
  readonly signerIndices?: readonly number[];
  /** Write high-s (malleated) signatures: same signers, different bytes, same body. */
  readonly highS?: boolean;
  /** Wire version byte (default 1; tests write 2). */
  readonly version?: number;
};

/** Serializes a VAA body (the signed part) with the SDK's envelope layout. */
export function serializeVaaBody(fields: VaaBodyFields): Uint8Array {
  const envelope = serializeLayout(envelopeLayout, {
    timestamp: fields.timestamp,
    nonce: fields.nonce ?? 0,
    emitterChain: toChain(fields.emitterChain),
    emitterAddress: new UniversalAddress(fromHex(toUniversalHex(fields.emitterAddress, 'emitter'))),
    sequence: fields.sequence,
    consistencyLevel: fields.consistencyLevel,
  });
  return concatBytes(envelope, fields.payload);
}

/**
 * Signs a VAA with an explicit guardian subset. Unlike the SDK's `mocks.MockGuardians` (which labels each
 * signature with its loop counter), every signature carries the index of the guardian that made it, so
 * subsets such as [1, 3, 5] produce valid VAAs. Signatures are written in `signerIndices` order, so tests
 * can also produce descending or duplicated indices.
 */
export function signVaa(params: SignVaaParameters): Uint8Array {
  const body = 'bodyBytes' in params ? params.bodyBytes : serializeVaaBody(params);
  const keys = params.keys ?? devnetGuardianKeys();
  const signers = params.signerIndices ?? defaultSigners(keys.length);
  const digest = keccak256(keccak256(body));
  const signatures = signers.map((guardianIndex) => {
    const key = keys[guardianIndex];
    if (key === undefined) throw new RangeError(`no key for guardian ${guardianIndex}`);
    const { rs, v } = signDigest(digest, key, params.highS ?? false);
    const r = BigInt(`0x${Buffer.from(rs.subarray(0, 32)).toString('hex')}`);
    const s = BigInt(`0x${Buffer.from(rs.subarray(32)).toString('hex')}`);
    return { guardianIndex, signature: new Signature(r, s, v) };
  });
  const header = serializeLayout(headerLayout, { guardianSet: params.guardianSetIndex ?? 0, signatures });
  if (params.version !== undefined) header[0] = params.version;
  return concatBytes(header, body);
}

function defaultSigners(size: number): number[] {
  return Array.from({ length: Math.floor((2 * size) / 3) + 1 }, (_, i) => i);
}
