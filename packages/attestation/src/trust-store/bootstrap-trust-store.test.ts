import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { MAINNET_SET_0, mainnetSet3, upgrade0to1, upgrade3to4 } from '../../test/fixtures.js';
import { expectCode, first } from '../../test/helpers.js';
import { toHex } from '../internal/bytes.js';
import {
  addressOfPrivateKey,
  buildGuardianSetUpgradeVaa,
  devnetGuardianAddresses,
  devnetGuardianKeys,
} from '../testing/index.js';
import { verifyVaa } from '../vaa/verify-vaa.js';
import { bootstrapTrustStore } from './bootstrap-trust-store.js';

const NOW = 1_700_000_000;
const newKeys = (n: number) => Array.from({ length: n }, () => toHex(secp256k1.utils.randomSecretKey()));
const set1Keys = newKeys(7);
const set2Keys = newKeys(4);
const up1 = buildGuardianSetUpgradeVaa({ newIndex: 1, newKeys: set1Keys.map(addressOfPrivateKey) });
const up2 = buildGuardianSetUpgradeVaa({
  newIndex: 2,
  newKeys: set2Keys.map(addressOfPrivateKey),
  guardianSetIndex: 1,
  keys: set1Keys,
  signerIndices: first(5),
});
const base = { network: 'devnet' as const, genesis: devnetGuardianAddresses(), now: NOW };

describe('bootstrapTrustStore', () => {
  it('applies a chain of upgrades, each signed by the then-current set', () => {
    const store = bootstrapTrustStore({ ...base, upgrades: [up1, up2], previousSetTtlSeconds: 3600 });
    expect(store.current).toBe(2);
    expect(store.sets.map((s) => [s.index, s.keys.length, s.expiresAt])).toEqual([
      [0, 19, NOW + 3600],
      [1, 7, NOW + 3600],
      [2, 4, null],
    ]);
    // The new set verifies VAAs; set 0 keeps working until its expiry only.
    const bySet2 = buildGuardianSetUpgradeVaa({
      newIndex: 3,
      newKeys: [],
      guardianSetIndex: 2,
      keys: set2Keys,
    });
    expect(verifyVaa(bySet2, { trustStore: store, now: NOW }).guardianSetIndex).toBe(2);
    expect(verifyVaa(up1, { trustStore: store, now: NOW + 3599 }).guardianSetIndex).toBe(0);
    expectCode(
      () => verifyVaa(up1, { trustStore: store, now: NOW + 3600 }),
      'ATTESTATION__GUARDIAN_SET_EXPIRED',
    );
  });

  it('starts at set 0 unless another genesis index is pinned (mainnet: set 3 -> 4 fixture)', () => {
    expectCode(
      () =>
        bootstrapTrustStore({
          network: 'mainnet',
          genesis: mainnetSet3(),
          upgrades: [upgrade3to4()],
          now: NOW,
        }),
      'ATTESTATION__UPGRADE_INVALID',
    );
    const store = bootstrapTrustStore({
      network: 'mainnet',
      genesis: mainnetSet3(),
      genesisIndex: 3,
      upgrades: [upgrade3to4()],
      now: NOW,
    });
    expect(store.current).toBe(4);
  });

  it('bootstraps mainnet from set 0 with the real 2021 upgrade 0 -> 1 (consistency level 0: governance)', () => {
    const store = bootstrapTrustStore({
      network: 'mainnet',
      genesis: [...MAINNET_SET_0],
      upgrades: [upgrade0to1()],
      now: NOW,
    });
    expect(store.current).toBe(1);
    expect(store.sets.map((s) => [s.index, s.keys.length, s.expiresAt])).toEqual([
      [0, 1, NOW + 86_400],
      [1, 19, null],
    ]);
  });

  it('applies no consistency-level rule to upgrades, while other VAAs keep it', () => {
    const level0 = buildGuardianSetUpgradeVaa({
      newIndex: 1,
      newKeys: set1Keys.map(addressOfPrivateKey),
      consistencyLevel: 0,
    });
    expect(bootstrapTrustStore({ ...base, upgrades: [level0] }).current).toBe(1);
    const genesisOnly = bootstrapTrustStore({ ...base, upgrades: [] });
    expectCode(() => verifyVaa(level0, { trustStore: genesisOnly, now: NOW }), 'ATTESTATION__NOT_FINAL');
  });

  it('rejects an upgrade that skips an index -> UPGRADE_INVALID', () => {
    const skip = buildGuardianSetUpgradeVaa({ newIndex: 2, newKeys: [addressOfPrivateKey(set1Keys[0]!)] });
    expectCode(() => bootstrapTrustStore({ ...base, upgrades: [skip] }), 'ATTESTATION__UPGRADE_INVALID');
  });

  it('rejects an upgrade signed by a previous (still valid) set -> UPGRADE_INVALID', () => {
    const byOldSet = buildGuardianSetUpgradeVaa({ newIndex: 2, newKeys: set2Keys.map(addressOfPrivateKey) });
    expectCode(
      () => bootstrapTrustStore({ ...base, upgrades: [up1, byOldSet] }),
      'ATTESTATION__UPGRADE_INVALID',
    );
  });

  it('rejects an upgrade from another emitter -> EMITTER_NOT_ALLOWED', () => {
    const fake = buildGuardianSetUpgradeVaa({
      newIndex: 1,
      newKeys: set1Keys.map(addressOfPrivateKey),
      emitterAddress: `0x${'00'.repeat(31)}05`,
    });
    expectCode(() => bootstrapTrustStore({ ...base, upgrades: [fake] }), 'ATTESTATION__EMITTER_NOT_ALLOWED');
  });

  it('rejects chain-specific, empty and non-upgrade governance payloads -> UPGRADE_INVALID', () => {
    const targeted = buildGuardianSetUpgradeVaa({
      newIndex: 1,
      newKeys: set1Keys.map(addressOfPrivateKey),
      chain: 2,
    });
    expectCode(() => bootstrapTrustStore({ ...base, upgrades: [targeted] }), 'ATTESTATION__UPGRADE_INVALID');
    const empty = buildGuardianSetUpgradeVaa({ newIndex: 1, newKeys: [] });
    expectCode(() => bootstrapTrustStore({ ...base, upgrades: [empty] }), 'ATTESTATION__UPGRADE_INVALID');
    const duplicate = buildGuardianSetUpgradeVaa({
      newIndex: 1,
      newKeys: [devnetGuardianAddresses()[0]!, devnetGuardianAddresses()[0]!],
    });
    expectCode(() => bootstrapTrustStore({ ...base, upgrades: [duplicate] }), 'ATTESTATION__UPGRADE_INVALID');
  });

  it('rejects an upgrade without quorum with the verifier code', () => {
    const weak = buildGuardianSetUpgradeVaa({
      newIndex: 1,
      newKeys: set1Keys.map(addressOfPrivateKey),
      keys: devnetGuardianKeys(),
      signerIndices: first(12),
    });
    expectCode(() => bootstrapTrustStore({ ...base, upgrades: [weak] }), 'ATTESTATION__QUORUM_NOT_MET');
  });
});
