import { isAppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import { mainnetSet3, UPGRADE_3_TO_4_TIME, upgrade3to4 } from '../../test/fixtures.js';
import { encodeCollateralMessage } from '../collateral/collateral-message.js';
import { devnetTrustStore, signVaa } from '../testing/index.js';
import { bootstrapTrustStore } from '../trust-store/bootstrap-trust-store.js';
import { createTrustStore } from '../trust-store/trust-store.js';
import { createDigestCache } from './digest-cache.js';
import { verifyVaa } from './verify-vaa.js';

const set3Store = () =>
  createTrustStore({
    network: 'mainnet',
    current: 3,
    sets: [{ index: 3, keys: mainnetSet3(), expiresAt: null }],
  });

describe('verifyVaa on the real mainnet fixture', () => {
  it('verifies the set 3 -> 4 upgrade signed by 13 guardians of set 3', () => {
    const vaa = verifyVaa(upgrade3to4(), { trustStore: set3Store(), now: UPGRADE_3_TO_4_TIME });
    expect(vaa.guardianSetIndex).toBe(3);
    expect(vaa.signers).toEqual([3, 4, 5, 6, 8, 9, 10, 11, 13, 14, 16, 17, 18]);
    expect(vaa.digest).toBe('0xeedbfdc99a5c4da5f84b5a40efe5f607d58f9db4bcb9be079f0d2834bae52efd');
    expect(vaa.emitterChain).toBe(1);
    expect(vaa.emitterAddress).toBe(`0x${'0'.repeat(63)}4`);
    expect(vaa.consistencyLevel).toBe(32);
    expect(vaa.timestamp).toBe(UPGRADE_3_TO_4_TIME);
  });

  it('bootstraps set 4 from pinned set 3', () => {
    const store = bootstrapTrustStore({
      network: 'mainnet',
      genesis: mainnetSet3(),
      genesisIndex: 3,
      upgrades: [upgrade3to4()],
      now: 1_800_000_000,
    });
    expect(store.current).toBe(4);
    expect(store.sets.map((s) => [s.index, s.expiresAt])).toEqual([
      [3, 1_800_000_000 + 86_400],
      [4, null],
    ]);
    expect(store.sets[1]?.keys[0]).toBe('0x5893b5a76c3f739645648885bdccc06cd70a3cd3');
  });

  it('answers a repeat from the digest cache with the same result', () => {
    const cache = createDigestCache();
    const a = verifyVaa(upgrade3to4(), { trustStore: set3Store(), now: 0, digestCache: cache });
    const b = verifyVaa(upgrade3to4(), { trustStore: set3Store(), now: 0, digestCache: cache });
    expect(b.digest).toBe(a.digest);
    expect(cache.stats).toEqual({ hits: 1, misses: 1 });
  });
});

describe('verifyVaa on devnet-signed collateral messages', () => {
  const payload = encodeCollateralMessage({
    kind: 'deposit',
    account: `0x${'00'.repeat(12)}${'11'.repeat(20)}`,
    token: `0x${'00'.repeat(12)}${'22'.repeat(20)}`,
    amount: 1_000_000n,
    balance: 5_000_000n,
    sourceHeight: 42n,
    vaultNonce: 7n,
  });
  const emitter = `0x${'00'.repeat(12)}${'33'.repeat(20)}`;
  const body = {
    timestamp: 1_700_000_000,
    nonce: 1,
    emitterChain: 2,
    emitterAddress: emitter,
    sequence: 0n,
    consistencyLevel: 202,
    payload,
  };

  it('accepts a quorum subset with gaps ([1,3,5,...]) and exposes the replay key', () => {
    const bytes = signVaa({ ...body, signerIndices: [1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 18] });
    const vaa = verifyVaa(bytes, {
      trustStore: devnetTrustStore(),
      now: 1_700_000_010,
      emitters: { collateral: [{ chain: 2, address: emitter }] },
      kind: 'collateral',
      maxAgeSeconds: 60,
    });
    expect(vaa.signers).toEqual([1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 18]);
    expect(vaa.replayKey).toBe(vaa.hash);
    expect(vaa.payload).toEqual(payload);
  });

  it('rejects a hex string passed where bytes belong as MALFORMED', () => {
    let err: unknown;
    try {
      verifyVaa('0x01' as unknown as Uint8Array, { trustStore: devnetTrustStore(), now: 0 });
    } catch (e) {
      err = e;
    }
    expect(isAppError(err, 'ATTESTATION__MALFORMED')).toBe(true);
  });

  it('rejects quorum short by one', () => {
    const bytes = signVaa({ ...body, signerIndices: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] });
    let err: unknown;
    try {
      verifyVaa(bytes, { trustStore: devnetTrustStore(), now: 1_700_000_000 });
    } catch (e) {
      err = e;
    }
    expect(isAppError(err, 'ATTESTATION__QUORUM_NOT_MET')).toBe(true);
  });
});
