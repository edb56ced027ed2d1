import { secp256k1 } from '@noble/curves/secp256k1.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../internal/bytes.js';
import { keccak256 } from '../internal/keccak.js';
import { addressOfPrivateKey, signDigest } from '../testing/index.js';
import { createRecoverer, secp256k1Backend } from './recover.js';

const native = createRecoverer('native');
const noble = createRecoverer('noble');

describe('signer recovery', () => {
  // The package ships a linux-x64 prebuild (what CI runs on); elsewhere the noble fallback is expected.
  it('loads the native binding where a prebuild exists', () => {
    const prebuilt = ['linux-x64', 'darwin-arm64', 'win32-x64'].includes(
      `${process.platform}-${process.arch}`,
    );
    expect(secp256k1Backend()).toBe(prebuilt ? 'native' : 'noble');
  });

  it('native and @noble/curves agree, for low-s and high-s signatures', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.boolean(), (message, highS) => {
        const key = toHex(secp256k1.utils.randomSecretKey());
        const digest = keccak256(message);
        const { rs, v } = signDigest(digest, key, highS);
        const expected = addressOfPrivateKey(key);
        expect(toHex(native(digest, rs, v)!)).toBe(expected);
        expect(toHex(noble(digest, rs, v)!)).toBe(expected);
      }),
      { numRuns: 20 },
    );
  });

  it('both return null for signatures that recover no point', () => {
    const digest = keccak256(new Uint8Array([1]));
    const zero = new Uint8Array(64);
    const overflow = new Uint8Array(64).fill(0xff);
    for (const recover of [native, noble]) {
      expect(recover(digest, zero, 0)).toBeNull();
      expect(recover(digest, overflow, 1)).toBeNull();
    }
  });
});
