import { AppError } from '@xmargin/errors';
import { deserializeVaa } from '../vaa/deserialize-vaa.js';
import type { DigestCache } from '../vaa/digest-cache.js';
import { GOVERNANCE_EMITTER } from '../vaa/emitters.js';
import { verifyVaa } from '../vaa/verify-vaa.js';
import { decodeGuardianSetUpgrade } from './guardian-set-upgrade.js';
import {
  createTrustStore,
  normaliseGuardianKeys,
  type TrustStore,
  type WormholeNetwork,
} from './trust-store.js';

/** How long a replaced guardian set keeps signing after an upgrade (Wormhole's default: 24 h). */
export const DEFAULT_PREVIOUS_SET_TTL_SECONDS = 24 * 60 * 60;

const governanceAllowList = { governance: [GOVERNANCE_EMITTER] } as const;

export interface BootstrapTrustStoreParameters {
  readonly network: WormholeNetwork;
  /** The pinned genesis guardian addresses (mainnet: set 0 = [0x58cc3ae5…]). */
  readonly genesis: readonly string[];
  /** Index of the pinned set (default 0): pin a later set to start the chain there. */
  readonly genesisIndex?: number;
  /** GuardianSetUpgrade governance VAAs, in order. */
  readonly upgrades: readonly Uint8Array[];
  readonly now: number;
  readonly previousSetTtlSeconds?: number;
  readonly digestCache?: DigestCache;
}

function upgradeInvalid(reason: string, position: number): AppError {
  return new AppError('ATTESTATION__UPGRADE_INVALID', {
    shortMessage: `Guardian set upgrade ${position} rejected: ${reason}`,
    context: { reason, position },
  });
}

/**
 * Builds a trust store from a pinned genesis set by applying a chain of GuardianSetUpgrade VAAs. Each must
 * be a valid VAA signed by the CURRENT set (an older, still-valid set may not rotate the guardians), come
 * from the governance emitter, and install `current + 1`. The replaced set then expires `now + ttl`.
 */
export function bootstrapTrustStore(params: BootstrapTrustStoreParameters): TrustStore {
  const ttl = params.previousSetTtlSeconds ?? DEFAULT_PREVIOUS_SET_TTL_SECONDS;
  if (!Number.isSafeInteger(ttl) || ttl < 0)
    throw upgradeInvalid('previous set TTL is not a whole number of seconds', 0);
  let store = createTrustStore({
    network: params.network,
    current: params.genesisIndex ?? 0,
    sets: [{ index: params.genesisIndex ?? 0, keys: params.genesis, expiresAt: null }],
  });
  for (const [position, bytes] of params.upgrades.entries()) {
    store = applyGuardianSetUpgrade(store, bytes, {
      now: params.now,
      previousSetTtlSeconds: ttl,
      position,
      ...(params.digestCache ? { digestCache: params.digestCache } : {}),
    });
  }
  return store;
}

/** Applies one GuardianSetUpgrade VAA to a store (see `bootstrapTrustStore`); returns the new store. */
export function applyGuardianSetUpgrade(
  store: TrustStore,
  bytes: Uint8Array,
  opts: { now: number; previousSetTtlSeconds?: number; position?: number; digestCache?: DigestCache },
): TrustStore {
  const position = opts.position ?? 0;
  const parsed = deserializeVaa(bytes);
  if (parsed.guardianSetIndex !== store.current) {
    throw upgradeInvalid(
      `signed by guardian set ${parsed.guardianSetIndex}, but only the current set ${store.current} may rotate`,
      position,
    );
  }
  // Verification failures keep their precise code (quorum, signer, emitter...), not UPGRADE_INVALID.
  const vaa = verifyVaa(bytes, {
    trustStore: store,
    now: opts.now,
    emitters: governanceAllowList,
    kind: 'governance',
    // Governance VAAs are signed by the guardians directly, not observed on a source chain: they carry
    // no finality (mainnet's 0 -> 1 upgrade has level 0) and Wormhole's core contracts apply no rule.
    skipFinality: true,
    ...(opts.digestCache ? { digestCache: opts.digestCache } : {}),
  });
  const upgrade = decodeGuardianSetUpgrade(vaa.payload, position);
  if (upgrade.newIndex !== store.current + 1) {
    throw upgradeInvalid(`installs set ${upgrade.newIndex}, expected ${store.current + 1}`, position);
  }
  if (upgrade.keys.length === 0) throw upgradeInvalid('new guardian set is empty', position);
  let keys: string[];
  try {
    keys = normaliseGuardianKeys(upgrade.keys, `set ${upgrade.newIndex}`);
  } catch (cause) {
    throw upgradeInvalid(cause instanceof AppError ? cause.shortMessage : String(cause), position);
  }
  const ttl = opts.previousSetTtlSeconds ?? DEFAULT_PREVIOUS_SET_TTL_SECONDS;
  return createTrustStore({
    network: store.network,
    current: upgrade.newIndex,
    sets: [
      ...store.sets.map((s) =>
        s.index === store.current && s.expiresAt === null ? { ...s, expiresAt: opts.now + ttl } : s,
      ),
      { index: upgrade.newIndex, keys, expiresAt: null },
    ],
  });
}
