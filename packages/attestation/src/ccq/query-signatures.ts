import { AppError } from '@xmargin/errors';
import { concatBytes, fromHex } from '../internal/bytes.js';
import { keccak256 } from '../internal/keccak.js';
import type { GuardianSignatureInput } from '../signatures.js';

/** Domain separator the guardians prepend before signing a Queries response. */
export const QUERY_RESPONSE_PREFIX = 'query_response_0000000000000000000|';
const prefixBytes = new TextEncoder().encode(QUERY_RESPONSE_PREFIX);

/** keccak256(prefix || keccak256(responseBytes)): what each guardian signs. */
export function queryResponseDigest(responseBytes: Uint8Array): Uint8Array {
  return keccak256(concatBytes(prefixBytes, keccak256(responseBytes)));
}

/** Parses one 66-byte Queries signature: r (32) || s (32) || v (1) || guardianIndex (1). */
export function parseQuerySignature(hex: string, position: number): GuardianSignatureInput {
  const bytes = fromHex(hex, `signature ${position}`);
  if (bytes.length !== 66) {
    throw new AppError('ATTESTATION__MALFORMED', {
      shortMessage: `Signature ${position} has ${bytes.length} bytes, expected 66 (r, s, v, guardian index)`,
      context: { reason: `signature ${position} is ${bytes.length} bytes` },
    });
  }
  return { rs: bytes.subarray(0, 64), v: bytes[64]!, guardianIndex: bytes[65]! };
}
