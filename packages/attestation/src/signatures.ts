import { AppError } from '@xmargin/errors';
import { type Hex, toHex } from './internal/bytes.js';
import type { RecoverAddress } from './secp256k1/recover.js';

/** A guardian signature in either wire format (VAA: index first; Queries: index last), normalised. */
export interface GuardianSignatureInput {
  readonly guardianIndex: number;
  /** r || s, 64 bytes. */
  readonly rs: Uint8Array;
  /** Recovery id as on the wire (must be 0 or 1). */
  readonly v: number;
}

const ZERO_ADDRESS = `0x${'0'.repeat(40)}`;

/**
 * Checks a quorum of guardian signatures over `digest`: indices strictly ascending (so no guardian counts
 * twice), each index inside the set, v in {0, 1}; then recovers each signer and compares it with the key
 * at its index. The structural pass runs first so malformed input never pays for a recovery. Returns the
 * recovered addresses (for the digest cache). `recovered`, when given, replaces the recoveries.
 */
export function verifyGuardianSignatures(params: {
  digest: Uint8Array;
  signatures: readonly GuardianSignatureInput[];
  keys: readonly Hex[];
  recover: RecoverAddress;
  recovered?: readonly Hex[];
}): Hex[] {
  const { digest, signatures, keys, recover } = params;
  let previous = -1;
  for (const [position, sig] of signatures.entries()) {
    if (sig.guardianIndex <= previous) {
      throw new AppError('ATTESTATION__GUARDIAN_INDEX_NOT_ASCENDING', {
        shortMessage: `Signature ${position} has guardian index ${sig.guardianIndex} after ${previous}`,
        context: { position, index: sig.guardianIndex, previous },
      });
    }
    previous = sig.guardianIndex;
    if (sig.guardianIndex >= keys.length) {
      throw new AppError('ATTESTATION__GUARDIAN_INDEX_OUT_OF_RANGE', {
        shortMessage: `Guardian index ${sig.guardianIndex} is outside a set of ${keys.length}`,
        context: { index: sig.guardianIndex, setSize: keys.length },
      });
    }
    if (sig.v !== 0 && sig.v !== 1) {
      throw new AppError('ATTESTATION__INVALID_RECOVERY_ID', {
        shortMessage: `Guardian ${sig.guardianIndex} signature has recovery id ${sig.v}`,
        context: { guardianIndex: sig.guardianIndex, v: sig.v },
      });
    }
  }
  const cached = params.recovered;
  const out: Hex[] = [];
  for (const [position, sig] of signatures.entries()) {
    let address = cached?.[position];
    if (address === undefined) {
      const raw = recover(digest, sig.rs, sig.v);
      if (raw === null) {
        throw new AppError('ATTESTATION__SIGNATURE_INVALID', {
          shortMessage: `Guardian ${sig.guardianIndex} signature does not recover a public key`,
          context: { guardianIndex: sig.guardianIndex, reason: 'recovery failed' },
        });
      }
      address = toHex(raw);
    }
    if (address === ZERO_ADDRESS) {
      throw new AppError('ATTESTATION__SIGNATURE_INVALID', {
        shortMessage: `Guardian ${sig.guardianIndex} signature recovers the zero address`,
        context: { guardianIndex: sig.guardianIndex, reason: 'zero address' },
      });
    }
    const expected = keys[sig.guardianIndex]!;
    if (address !== expected) {
      throw new AppError('ATTESTATION__SIGNER_MISMATCH', {
        shortMessage: `Signature ${position} was made by ${address}, not guardian ${sig.guardianIndex} (${expected})`,
        context: { guardianIndex: sig.guardianIndex, expected, recovered: address },
      });
    }
    out.push(address);
  }
  return out;
}
