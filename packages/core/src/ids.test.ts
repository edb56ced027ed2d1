import { describe, expect, it } from 'vitest';
import {
  accountId,
  base58Decode,
  base58Encode,
  evmAddress,
  solanaAddress,
  solanaToUniversal,
  universalAddress,
  wormholeChainId,
} from './ids.js';

const invalidId = expect.objectContaining({ code: 'CORE__INVALID_ID' });

describe('branded ids', () => {
  it('validates account ids', () => {
    expect(accountId('acc_alice-1')).toBe('acc_alice-1');
    for (const bad of ['alice', 'acc_', 'acc_UPPER', `acc_${'a'.repeat(65)}`])
      expect(() => accountId(bad)).toThrow(invalidId);
  });

  it('normalises EVM and universal addresses', () => {
    const a = evmAddress('0xbeFA429d57cD18b7F8A4d91A2da9AB4AF05d0FBe');
    expect(a).toBe('0xbefa429d57cd18b7f8a4d91a2da9ab4af05d0fbe');
    expect(universalAddress(a)).toBe(`0x000000000000000000000000${a.slice(2)}`);
    expect(() => evmAddress('0x1234')).toThrow(invalidId);
    expect(() => universalAddress('0xzz')).toThrow(invalidId);
  });

  it('validates Wormhole chain ids as u16', () => {
    expect(wormholeChainId(26)).toBe(26);
    expect(() => wormholeChainId(65536)).toThrow(invalidId);
    expect(() => wormholeChainId(1.5)).toThrow(invalidId);
  });

  it('round-trips base58 and validates Solana addresses', () => {
    const tokenProgram = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
    const bytes = base58Decode(tokenProgram);
    expect(bytes.length).toBe(32);
    expect(base58Encode(bytes)).toBe(tokenProgram);
    expect(solanaAddress(tokenProgram)).toBe(tokenProgram);
    expect(solanaToUniversal(solanaAddress('11111111111111111111111111111111'))).toBe(`0x${'0'.repeat(64)}`);
    expect(solanaToUniversal(solanaAddress(tokenProgram))).toBe(
      '0x06ddf6e1d765a193d9cbe146ceeb79ac1cb485ed5f5b37913a8cf5857eff00a9',
    );
    expect(() => solanaAddress('0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl')).toThrow(invalidId);
    expect(() => solanaAddress('1111111111111111111111111111111')).toThrow(invalidId);
  });
});
