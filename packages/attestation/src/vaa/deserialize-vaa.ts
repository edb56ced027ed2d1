import { chainToChainId } from '@wormhole-foundation/sdk-base';
import { envelopeLayout, headerLayout } from '@wormhole-foundation/sdk-definitions';
import { AppError } from '@xmargin/errors';
import type { Layout } from 'binary-layout';
import { type Hex, toHex } from '../internal/bytes.js';
import { keccak256 } from '../internal/keccak.js';
import { decodeLayoutPrefix } from '../internal/layout.js';

/** One guardian signature as it sits on the wire (v is 0 or 1 there; checked by the verifier). */
export interface VaaSignature {
  readonly guardianIndex: number;
  /** r || s, 64 bytes (a view into the VAA bytes). */
  readonly rs: Uint8Array;
  readonly v: number;
}

const [versionItem, guardianSetItem, signaturesItem] = headerLayout;
const [guardianIndexItem, sdkSignatureItem] = signaturesItem.layout;

/**
 * The SDK's VAA header layout, item for item, except that each signature's r and s stay raw bytes: the
 * SDK's Signature item decodes them into bigints (half the cost of parsing a 13-signature header) that
 * signer recovery would immediately re-encode. Same wire format, same sizes.
 */
const vaaHeaderLayout = [
  versionItem,
  guardianSetItem,
  {
    ...signaturesItem,
    layout: [guardianIndexItem, { name: 'rs', binary: 'bytes', size: 64 }, sdkSignatureItem.layout[2]],
  },
] as const satisfies Layout;

/** A VAA v1, parsed but NOT verified. */
export interface ParsedVaa {
  readonly version: 1;
  readonly guardianSetIndex: number;
  readonly signatures: readonly VaaSignature[];
  readonly timestamp: number;
  readonly nonce: number;
  readonly emitterChain: number;
  /** 0x + 64 hex chars (left-zero-padded universal address). */
  readonly emitterAddress: Hex;
  readonly sequence: bigint;
  readonly consistencyLevel: number;
  readonly payload: Uint8Array;
  /** The signed bytes: timestamp through the end of the payload. */
  readonly body: Uint8Array;
  /** keccak256(body): the SDK's `vaa.hash`, and our replay key. */
  readonly hash: Hex;
  readonly replayKey: Hex;
  /** keccak256(keccak256(body)): what the guardians sign. */
  readonly digest: Hex;
  /** Raw digest bytes (avoids re-decoding hex on the hot path). */
  readonly digestBytes: Uint8Array;
  /** Raw header bytes (version, set index, signatures): the digest cache keys on them. */
  readonly headerBytes: Uint8Array;
}

/**
 * Parses VAA v1 bytes with the Wormhole SDK's own header and envelope layouts. Rejects a version other
 * than 1 (ATTESTATION__UNSUPPORTED_VERSION), too few bytes for the declared signatures or the envelope
 * (ATTESTATION__TRUNCATED) and an emitter chain id the SDK does not know (ATTESTATION__MALFORMED). It does
 * not judge the signatures: that is `verifyVaa`'s job, so each failure there keeps its own code.
 */
export function deserializeVaa(bytes: Uint8Array): ParsedVaa {
  if (!(bytes instanceof Uint8Array)) {
    throw new AppError('ATTESTATION__MALFORMED', {
      shortMessage: 'VAA must be bytes (decode hex or base64 first)',
      context: { reason: `VAA is a ${typeof bytes}` },
    });
  }
  if (bytes.length === 0) {
    throw new AppError('ATTESTATION__TRUNCATED', {
      shortMessage: 'VAA is empty',
      context: { what: 'VAA', length: 0 },
    });
  }
  // The version byte is read before the layout so that a v2 VAA gets its own code rather than the
  // layout's generic constant-mismatch error.
  const version = bytes[0]!;
  if (version !== 1) {
    throw new AppError('ATTESTATION__UNSUPPORTED_VERSION', {
      shortMessage: `VAA version ${version} is not supported (expected 1)`,
      context: { version },
    });
  }
  const [header, headerSize] = decodeLayoutPrefix(vaaHeaderLayout, bytes, 'VAA header');
  const body = bytes.subarray(headerSize);
  const [envelope, envelopeSize] = decodeLayoutPrefix(envelopeLayout, body, 'VAA body');
  const hashBytes = keccak256(body);
  const digestBytes = keccak256(hashBytes);
  const hash = toHex(hashBytes);
  return {
    version: 1,
    guardianSetIndex: header.guardianSet,
    signatures: header.signatures,
    timestamp: envelope.timestamp,
    nonce: envelope.nonce,
    emitterChain: chainToChainId(envelope.emitterChain),
    emitterAddress: toHex(envelope.emitterAddress.toUint8Array()),
    sequence: envelope.sequence,
    consistencyLevel: envelope.consistencyLevel,
    payload: body.subarray(envelopeSize),
    body,
    hash,
    replayKey: hash,
    digest: toHex(digestBytes),
    digestBytes,
    headerBytes: bytes.subarray(0, headerSize),
  };
}
