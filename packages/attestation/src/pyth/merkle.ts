import { concatBytes } from '../internal/bytes.js';
import { keccak256 } from '../internal/keccak.js';

const LEAF = new Uint8Array([0]);
const NODE = new Uint8Array([1]);

/** Pyth's 20-byte Merkle leaf: keccak256(0x00 || message)[0:20]. */
export function merkleLeaf(message: Uint8Array): Uint8Array {
  return keccak256(concatBytes(LEAF, message)).subarray(0, 20);
}

function lessOrEqual(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]!;
  }
  return true;
}

/** Pyth's 20-byte Merkle node: keccak256(0x01 || min(a, b) || max(a, b))[0:20] (sorted pair). */
export function merkleNode(a: Uint8Array, b: Uint8Array): Uint8Array {
  const [lo, hi] = lessOrEqual(a, b) ? [a, b] : [b, a];
  return keccak256(concatBytes(NODE, lo, hi)).subarray(0, 20);
}

/** Folds a proof from the message's leaf up; the result must equal the attested root. */
export function merkleRootFromProof(message: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  let node = merkleLeaf(message);
  for (const sibling of proof) node = merkleNode(node, sibling);
  return node;
}
