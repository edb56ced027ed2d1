import { describe, expect, it } from 'vitest';
import { fixture } from '../../test/fixtures.js';
import { devnetGuardianAddresses, devnetGuardianKeys, devnetTrustStore } from './index.js';

describe('devnet guardians', () => {
  it('embeds exactly the 19 keys of shared/fixtures/wormhole-devnet-guardian-keys.txt', () => {
    const file = fixture('wormhole-devnet-guardian-keys.txt')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((k) => `0x${k}`);
    expect(devnetGuardianKeys()).toEqual(file);
    expect(file).toHaveLength(19);
  });

  it('derives the well-known first guardian address', () => {
    expect(devnetGuardianAddresses()[0]).toBe('0xbeFA429d57cD18b7F8A4d91A2da9AB4AF05d0FBe'.toLowerCase());
    expect(new Set(devnetGuardianAddresses()).size).toBe(19);
  });

  it('trusts them as devnet guardian set 0', () => {
    const store = devnetTrustStore();
    expect(store).toMatchObject({ network: 'devnet', current: 0 });
    expect(store.sets).toEqual([{ index: 0, keys: devnetGuardianAddresses(), expiresAt: null }]);
  });
});
