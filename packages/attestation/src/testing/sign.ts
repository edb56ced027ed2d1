import { secp256k1 } from '@noble/curves/secp256k1.js';
import { fromHex } from '../internal/bytes.js';

const CURVE_N = secp256k1.Point.CURVE().n;

/** A raw guardian signature: r || s (64 bytes) and the recovery id. */
export interface RawSignature {
  readonly rs: Uint8Array;
  readonly v: number;
}

/**
 * Signs a 32-byte digest as a guardian does (RFC 6979, low-s, no prehash: the digest is already the
 * Wormhole double hash). `highS` flips s to n - s and the recovery id with it: the malleated twin that
 * still recovers the same address.
 */
export function signDigest(digest: Uint8Array, privateKey: string, highS = false): RawSignature {
  const sig = secp256k1.sign(digest, fromHex(privateKey, 'private key'), {
    prehash: false,
    format: 'recovered',
  });
  const v = sig[0]!;
  const rs = sig.slice(1);
  if (!highS) return { rs, v };
  const s = BigInt(`0x${Buffer.from(rs.subarray(32)).toString('hex')}`);
  const flipped = new secp256k1.Signature(
    BigInt(`0x${Buffer.from(rs.subarray(0, 32)).toString('hex')}`),
    CURVE_N - s,
  );
  return { rs: flipped.toBytes('compact'), v: v ^ 1 };
}
