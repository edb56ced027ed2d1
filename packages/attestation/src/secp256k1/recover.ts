import { createRequire } from 'node:module';
import { secp256k1 as noble } from '@noble/curves/secp256k1.js';
import { keccak256 } from '../internal/keccak.js';

/**
 * Recovers the 20-byte Ethereum-style address that signed `digest` (already hashed, 32 bytes) with the
 * compact signature `rs` (r || s, 64 bytes) and recovery id `recid` (0 or 1). Returns null when the
 * signature does not recover a point (r or s out of range, r not an x coordinate).
 *
 * High-s signatures are accepted, as Wormhole's `ecrecover`-based core contracts accept them: malleability
 * is neutralised by keying replay protection on the body hash, never on signature bytes.
 */
export type RecoverAddress = (digest: Uint8Array, rs: Uint8Array, recid: number) => Uint8Array | null;

export type Secp256k1Backend = 'native' | 'noble';

interface NativeSecp256k1 {
  ecdsaRecover(sig: Uint8Array, recid: number, msg32: Uint8Array, compressed?: boolean): Uint8Array;
}

function addressOfUncompressed(pub: Uint8Array): Uint8Array {
  return keccak256(pub.subarray(1)).subarray(12);
}

const recoverWithNoble: RecoverAddress = (digest, rs, recid) => {
  try {
    const sig = noble.Signature.fromBytes(rs, 'compact').addRecoveryBit(recid);
    return addressOfUncompressed(sig.recoverPublicKey(digest).toBytes(false));
  } catch {
    return null;
  }
};

function loadNative(): NativeSecp256k1 | null {
  try {
    // The `secp256k1` package picks its N-API prebuild (linux-x64 ships one) and falls back to its own
    // elliptic.js build when no binding loads; we only want the binding, so require it directly.
    const require = createRequire(import.meta.url);
    return require('secp256k1/bindings.js') as NativeSecp256k1;
  } catch {
    return null;
  }
}

let nativeModule: NativeSecp256k1 | null | undefined;

function native(): NativeSecp256k1 | null {
  if (nativeModule === undefined) nativeModule = loadNative();
  return nativeModule;
}

// Guardians are few and sign everything: remembering pubkey -> address spares a keccak per signature
// (about a tenth of a native recovery). Keyed by the full 65-byte key, so it cannot confuse two keys.
const MAX_MEMO = 4096;

const recoverWithNative = (lib: NativeSecp256k1): RecoverAddress => {
  const memo = new Map<string, Uint8Array>();
  return (digest, rs, recid) => {
    let pub: Uint8Array;
    try {
      pub = lib.ecdsaRecover(rs, recid, digest, false);
    } catch {
      return null;
    }
    const key = Buffer.from(pub.buffer, pub.byteOffset, pub.byteLength).toString('latin1');
    let address = memo.get(key);
    if (address === undefined) {
      if (memo.size >= MAX_MEMO) memo.clear();
      address = addressOfUncompressed(pub).slice();
      memo.set(key, address);
    }
    return address.slice();
  };
};

/** The backend `recoverAddress` uses: the native libsecp256k1 binding when it loads, else @noble/curves. */
export function secp256k1Backend(): Secp256k1Backend {
  return native() ? 'native' : 'noble';
}

/** A recoverer on an explicit backend (the bench compares both); `native` falls back to noble if absent. */
export function createRecoverer(backend: Secp256k1Backend): RecoverAddress {
  if (backend === 'native') {
    const lib = native();
    if (lib) return recoverWithNative(lib);
  }
  return recoverWithNoble;
}

let defaultRecoverer: RecoverAddress | undefined;

export const recoverAddress: RecoverAddress = (digest, rs, recid) => {
  defaultRecoverer ??= createRecoverer('native');
  return defaultRecoverer(digest, rs, recid);
};
