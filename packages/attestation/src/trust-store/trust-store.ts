import { AppError } from '@xmargin/errors';
import type { Hex } from '../internal/bytes.js';

export type WormholeNetwork = 'mainnet' | 'testnet' | 'devnet';
export const WORMHOLE_NETWORKS: readonly WormholeNetwork[] = ['mainnet', 'testnet', 'devnet'];

/** One guardian set: its index, the guardians' 20-byte addresses in order, and when it stops being valid. */
export interface GuardianSet {
  readonly index: number;
  /** Lowercase 0x-prefixed 20-byte addresses; position = guardian index. */
  readonly keys: readonly Hex[];
  /** Unix seconds after which a non-current set is rejected; null = never (the current set never expires). */
  readonly expiresAt: number | null;
}

/**
 * The guardian sets one network trusts. Immutable: bootstrapping and upgrades return a new store.
 * JSON form: `{ "network", "current", "sets": [ { "index", "keys": ["0x..."], "expiresAt": unix|null } ] }`.
 */
export interface TrustStore {
  readonly network: WormholeNetwork;
  readonly current: number;
  readonly sets: readonly GuardianSet[];
}

export interface TrustStoreJson {
  network: WormholeNetwork;
  current: number;
  sets: { index: number; keys: string[]; expiresAt: number | null }[];
}

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;

function invalid(reason: string): AppError {
  return new AppError('ATTESTATION__TRUST_STORE_INVALID', {
    shortMessage: `Trust store is invalid: ${reason}`,
    context: { reason },
  });
}

function isUint32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}

/** Validates and normalises a guardian address list (20-byte hex, lowercased, no duplicates). */
export function normaliseGuardianKeys(keys: readonly unknown[], where: string): Hex[] {
  const out: Hex[] = [];
  const seen = new Set<string>();
  for (const [i, k] of keys.entries()) {
    if (typeof k !== 'string' || !ADDRESS_RE.test(k))
      throw invalid(`${where} key ${i} is not a 20-byte hex address`);
    const lower = k.toLowerCase() as Hex;
    if (/^0x0{40}$/.test(lower)) throw invalid(`${where} key ${i} is the zero address`);
    if (seen.has(lower)) throw invalid(`${where} key ${i} is a duplicate`);
    seen.add(lower);
    out.push(lower);
  }
  if (out.length > 255) throw invalid(`${where} has more than 255 keys`);
  return out;
}

/** Builds a store, checking it: unique set indices, the current set present, keys well-formed. */
export function createTrustStore(input: {
  network: WormholeNetwork;
  current: number;
  sets: readonly { index: number; keys: readonly string[]; expiresAt: number | null }[];
}): TrustStore {
  if (!WORMHOLE_NETWORKS.includes(input.network)) throw invalid(`unknown network ${String(input.network)}`);
  if (!isUint32(input.current)) throw invalid('current is not a guardian set index');
  if (!Array.isArray(input.sets)) throw invalid('sets is not an array');
  const seen = new Set<number>();
  const sets: GuardianSet[] = [];
  for (const set of input.sets) {
    if (typeof set !== 'object' || set === null) throw invalid('a set is not an object');
    if (!isUint32(set.index)) throw invalid('a set index is not a uint32');
    if (seen.has(set.index)) throw invalid(`set ${set.index} appears twice`);
    seen.add(set.index);
    if (!Array.isArray(set.keys)) throw invalid(`set ${set.index} keys is not an array`);
    if (set.expiresAt !== null && !(Number.isSafeInteger(set.expiresAt) && set.expiresAt >= 0)) {
      throw invalid(`set ${set.index} expiresAt is neither null nor unix seconds`);
    }
    sets.push({
      index: set.index,
      keys: Object.freeze(normaliseGuardianKeys(set.keys, `set ${set.index}`)),
      expiresAt: set.expiresAt,
    });
  }
  if (!seen.has(input.current)) throw invalid(`current set ${input.current} is not in sets`);
  sets.sort((a, b) => a.index - b.index);
  return Object.freeze({ network: input.network, current: input.current, sets: Object.freeze(sets) });
}

/** Parses the JSON form (a string or an already-parsed value), strictly: unknown fields are rejected. */
export function trustStoreFromJson(json: unknown): TrustStore {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch {
      throw invalid('not JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('not an object');
  const obj = value as Record<string, unknown>;
  const extra = Object.keys(obj).filter((k) => k !== 'network' && k !== 'current' && k !== 'sets');
  if (extra.length > 0) throw invalid(`unknown field ${extra[0]}`);
  if (!Array.isArray(obj.sets)) throw invalid('sets is not an array');
  for (const s of obj.sets as unknown[]) {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw invalid('a set is not an object');
    const extraSet = Object.keys(s).filter((k) => k !== 'index' && k !== 'keys' && k !== 'expiresAt');
    if (extraSet.length > 0) throw invalid(`unknown set field ${extraSet[0]}`);
    if (!('expiresAt' in s)) throw invalid('a set has no expiresAt (use null for none)');
  }
  return createTrustStore(obj as unknown as TrustStoreJson);
}

export function trustStoreToJson(store: TrustStore): TrustStoreJson {
  return {
    network: store.network,
    current: store.current,
    sets: store.sets.map((s) => ({ index: s.index, keys: [...s.keys], expiresAt: s.expiresAt })),
  };
}

/** Quorum for a set of `size` guardians: floor(2 * size / 3) + 1 (13 of 19). */
export function quorum(size: number): number {
  return Math.floor((2 * size) / 3) + 1;
}

/**
 * The guardian set a VAA or Queries response names, if it may still sign at `now`: known, non-empty, and
 * either the current set or a previous one before its `expiresAt`.
 */
export function usableGuardianSet(store: TrustStore, index: number, now: number): GuardianSet {
  const set = store.sets.find((s) => s.index === index);
  if (!set) {
    throw new AppError('ATTESTATION__UNKNOWN_GUARDIAN_SET', {
      shortMessage: `Guardian set ${index} is not in the ${store.network} trust store`,
      context: { index },
    });
  }
  if (set.keys.length === 0) {
    throw new AppError('ATTESTATION__EMPTY_GUARDIAN_SET', {
      shortMessage: `Guardian set ${index} has no keys`,
      context: { index },
    });
  }
  if (index !== store.current && set.expiresAt !== null && now >= set.expiresAt) {
    throw new AppError('ATTESTATION__GUARDIAN_SET_EXPIRED', {
      shortMessage: `Guardian set ${index} expired at ${set.expiresAt} (now ${now})`,
      context: { index, expiresAt: set.expiresAt, now },
    });
  }
  return set;
}
