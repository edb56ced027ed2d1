import { serialize } from 'binary-layout';
import {
  accumulatorUpdateLayout,
  merkleRootPayloadLayout,
  type PriceMessage,
  priceMessageLayout,
} from '../pyth/layouts.js';
import { merkleLeaf, merkleNode } from '../pyth/merkle.js';
import { PYTHNET_EMITTER } from '../vaa/emitters.js';
import { signVaa } from './sign-vaa.js';

export interface BuildPythUpdateParameters {
  readonly prices: readonly PriceMessage[];
  readonly slot?: bigint;
  readonly timestamp: number;
  readonly sequence?: bigint;
  readonly guardianSetIndex?: number;
  readonly keys?: readonly string[];
  readonly signerIndices?: readonly number[];
  readonly emitterChain?: number;
  readonly emitterAddress?: string;
}

/** Builds the Merkle tree Pyth uses (sorted pairs, odd node promoted) and each leaf's proof. */
export function buildMerkleTree(messages: readonly Uint8Array[]): {
  root: Uint8Array;
  proofs: Uint8Array[][];
} {
  let level = messages.map(merkleLeaf);
  const proofs: Uint8Array[][] = messages.map(() => []);
  let positions = messages.map((_, i) => i);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      next.push(right ? merkleNode(level[i]!, right) : level[i]!);
    }
    positions = positions.map((p, leaf) => {
      const sibling = p ^ 1;
      const node = level[sibling];
      if (node) proofs[leaf]!.push(node);
      return p >> 1;
    });
    level = next;
  }
  return { root: level[0] ?? new Uint8Array(20), proofs };
}

/** Signs a Pyth accumulator update (PNAU) over `prices` with the given guardians (devnet by default). */
export function buildPythUpdate(params: BuildPythUpdateParameters): Uint8Array {
  const messages = params.prices.map((p) => serialize(priceMessageLayout, p));
  const { root, proofs } = buildMerkleTree(messages);
  const payload = serialize(merkleRootPayloadLayout, {
    slot: params.slot ?? 1n,
    ringSize: 10_000,
    root: `0x${Buffer.from(root).toString('hex')}`,
  });
  const vaa = signVaa({
    timestamp: params.timestamp,
    nonce: 0,
    emitterChain: params.emitterChain ?? PYTHNET_EMITTER.chain,
    emitterAddress: params.emitterAddress ?? PYTHNET_EMITTER.address,
    sequence: params.sequence ?? 0n,
    consistencyLevel: 1,
    payload,
    ...(params.guardianSetIndex === undefined ? {} : { guardianSetIndex: params.guardianSetIndex }),
    ...(params.keys ? { keys: params.keys } : {}),
    ...(params.signerIndices ? { signerIndices: params.signerIndices } : {}),
  });
  return serialize(accumulatorUpdateLayout, {
    vaa,
    updates: messages.map((message, i) => ({ message, proof: proofs[i]! })),
  });
}
