import { ed25519 } from '@noble/curves/ed25519.js';
import { base58Decode } from '@xmargin/core';
import { type Hex, hexToBytes, isHex, verifyMessage } from 'viem';

export interface VerifyAddressSignatureParameters {
  readonly chain: 'evm' | 'solana';
  /** Normalized address: lower-case 0x for EVM, base58 for Solana. */
  readonly address: string;
  readonly message: string;
  readonly signature: string;
}

function signatureBytes(signature: string): Uint8Array | null {
  try {
    if (isHex(signature)) return hexToBytes(signature as Hex);
    return base58Decode(signature);
  } catch {
    return null;
  }
}

/**
 * Proves control of an address: EIP-191 `personal_sign` recovered to the EVM address, or an ed25519
 * signature over the UTF-8 message verified with the Solana public key (the address itself).
 * Returns false on any malformed input instead of throwing: all failures mean "not proven".
 */
export async function verifyAddressSignature(p: VerifyAddressSignatureParameters): Promise<boolean> {
  if (p.chain === 'evm') {
    if (!isHex(p.signature) || p.signature.length !== 132) return false;
    try {
      return await verifyMessage({ address: p.address as Hex, message: p.message, signature: p.signature });
    } catch {
      return false;
    }
  }
  const sig = signatureBytes(p.signature);
  if (sig?.length !== 64) return false;
  let key: Uint8Array;
  try {
    key = base58Decode(p.address);
  } catch {
    return false;
  }
  if (key.length !== 32) return false;
  try {
    return ed25519.verify(sig, new TextEncoder().encode(p.message), key);
  } catch {
    return false;
  }
}
