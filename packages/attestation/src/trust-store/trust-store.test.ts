import { describe, expect, it } from 'vitest';
import { expectCode } from '../../test/helpers.js';
import { devnetGuardianAddresses } from '../testing/index.js';
import {
  createTrustStore,
  quorum,
  trustStoreFromJson,
  trustStoreToJson,
  usableGuardianSet,
} from './trust-store.js';

const json = {
  network: 'mainnet',
  current: 4,
  sets: [
    { index: 4, keys: devnetGuardianAddresses().slice(0, 3), expiresAt: null },
    { index: 3, keys: [`0x${'AB'.repeat(20)}`], expiresAt: 1_000 },
  ],
};

describe('trust store', () => {
  it('round-trips its JSON form (sets sorted, keys lowercased)', () => {
    const store = trustStoreFromJson(JSON.stringify(json));
    expect(store.sets.map((s) => s.index)).toEqual([3, 4]);
    expect(store.sets[0]?.keys).toEqual([`0x${'ab'.repeat(20)}`]);
    expect(trustStoreFromJson(trustStoreToJson(store))).toEqual(store);
    expect(Object.isFrozen(store)).toBe(true);
  });

  it('rejects malformed stores with TRUST_STORE_INVALID', () => {
    const bad: unknown[] = [
      'not json',
      [],
      { ...json, network: 'moonnet' },
      { ...json, current: 7 },
      { ...json, extra: 1 },
      { ...json, sets: [{ index: 4, keys: ['0x1234'], expiresAt: null }] },
      { ...json, sets: [{ index: 4, keys: [`0x${'00'.repeat(20)}`], expiresAt: null }] },
      {
        ...json,
        sets: [{ index: 4, keys: [`0x${'ab'.repeat(20)}`, `0x${'AB'.repeat(20)}`], expiresAt: null }],
      },
      { ...json, sets: [{ index: 4, keys: [] }] },
      { ...json, sets: [{ index: 4, keys: [], expiresAt: 'soon' }] },
      { ...json, sets: [...json.sets, json.sets[0]] },
    ];
    for (const b of bad) expectCode(() => trustStoreFromJson(b), 'ATTESTATION__TRUST_STORE_INVALID');
  });

  it('computes quorum as floor(2n/3) + 1', () => {
    expect([1, 3, 4, 13, 19].map(quorum)).toEqual([1, 3, 3, 9, 13]);
  });

  it('lets a previous set sign until its expiry, and the current set forever', () => {
    const store = createTrustStore(json as never);
    expect(usableGuardianSet(store, 3, 999).index).toBe(3);
    expectCode(() => usableGuardianSet(store, 3, 1_000), 'ATTESTATION__GUARDIAN_SET_EXPIRED');
    expect(usableGuardianSet(store, 4, Number.MAX_SAFE_INTEGER).index).toBe(4);
    expectCode(() => usableGuardianSet(store, 5, 0), 'ATTESTATION__UNKNOWN_GUARDIAN_SET');
  });
});
