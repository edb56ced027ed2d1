import { AppError } from '@xmargin/errors';
import { type Hex, toUniversalHex } from '../internal/bytes.js';

/** An emitter: Wormhole chain id and address (20-byte EVM or 32-byte universal hex). */
export interface Emitter {
  readonly chain: number;
  readonly address: string;
}

/** Which emitters may publish each message kind, e.g. `{ collateral: [...vaults], pyth: [pythnet] }`. */
export type EmitterAllowList = Readonly<Record<string, readonly Emitter[]>>;

/** Wormhole governance: chain 1 (Solana), emitter 0x…04. Guardian set upgrades come only from it. */
export const GOVERNANCE_EMITTER: Emitter = {
  chain: 1,
  address: '0x0000000000000000000000000000000000000000000000000000000000000004',
};

/** Pythnet accumulator emitter (mainnet). */
export const PYTHNET_EMITTER: Emitter = {
  chain: 26,
  address: '0xe101faedac5851e32b9b23b5f9411a8c2bac4aae3ed4dd7b811dd1a72ea4aa71',
};

const compiled = new WeakMap<EmitterAllowList, Map<string, Set<string>>>();

function emitterKey(chain: number, address: Hex): string {
  return `${chain}:${address}`;
}

function compile(list: EmitterAllowList): Map<string, Set<string>> {
  let map = compiled.get(list);
  if (!map) {
    map = new Map();
    for (const [kind, emitters] of Object.entries(list)) {
      map.set(kind, new Set(emitters.map((e) => emitterKey(e.chain, toUniversalHex(e.address, 'emitter')))));
    }
    compiled.set(list, map);
  }
  return map;
}

/** Throws ATTESTATION__EMITTER_NOT_ALLOWED unless (chain, address) is registered for `kind`. */
export function assertEmitterAllowed(
  list: EmitterAllowList,
  kind: string,
  emitterChain: number,
  emitterAddress: Hex,
): void {
  const allowed = compile(list).get(kind);
  if (!allowed?.has(emitterKey(emitterChain, emitterAddress))) {
    throw new AppError('ATTESTATION__EMITTER_NOT_ALLOWED', {
      shortMessage: `Emitter ${emitterChain}/${emitterAddress} is not allowed for ${kind} messages`,
      context: { kind, emitterChain, emitterAddress },
    });
  }
}
