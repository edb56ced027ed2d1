import { describe, expect, it } from 'vitest';
import { mainnetSet3, upgrade3to4 } from '../../test/fixtures.js';
import { expectCode } from '../../test/helpers.js';
import { createTrustStore } from '../trust-store/trust-store.js';
import { createDigestCache } from './digest-cache.js';
import { verifyVaa } from './verify-vaa.js';

describe('digest cache', () => {
  it('stores recovered signers, so a cached VAA still fails against other keys', () => {
    const cache = createDigestCache();
    const set3 = createTrustStore({
      network: 'mainnet',
      current: 3,
      sets: [{ index: 3, keys: mainnetSet3(), expiresAt: null }],
    });
    verifyVaa(upgrade3to4(), { trustStore: set3, now: 0, digestCache: cache });
    const impostor = createTrustStore({
      network: 'mainnet',
      current: 3,
      sets: [{ index: 3, keys: [...mainnetSet3()].reverse(), expiresAt: null }],
    });
    expectCode(
      () => verifyVaa(upgrade3to4(), { trustStore: impostor, now: 0, digestCache: cache }),
      'ATTESTATION__SIGNER_MISMATCH',
    );
    expect(cache.stats.hits).toBe(1);
  });

  it('evicts the least recently used entry when full', () => {
    const cache = createDigestCache(2);
    cache.set('a', []);
    cache.set('b', []);
    cache.get('a');
    cache.set('c', []);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual([]);
    expect(cache.get('c')).toEqual([]);
  });
});
