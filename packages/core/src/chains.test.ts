import { describe, expect, it } from 'vitest';
import { chainByWormholeId, chains, getChain } from './chains.js';

describe('chain registry', () => {
  it('knows the Wormhole ids of supported networks', () => {
    expect(getChain('ethereum').wormholeChainId).toBe(2);
    expect(getChain('solana').wormholeChainId).toBe(1);
    expect(getChain('arbitrum').wormholeChainId).toBe(23);
    expect(chainByWormholeId(26).name).toBe('pythnet');
    expect(() => getChain('dogechain')).toThrow(expect.objectContaining({ code: 'CORE__UNKNOWN_CHAIN' }));
    expect(() => chainByWormholeId(9999)).toThrow(expect.objectContaining({ code: 'CORE__UNKNOWN_CHAIN' }));
  });

  it('applies Wormhole finality rules by consistency level', () => {
    const eth = chains.ethereum.finality;
    expect(eth.isFinalConsistency(202)).toBe(true);
    expect(eth.isFinalConsistency(1)).toBe(true);
    expect(eth.isFinalConsistency(200)).toBe(false);
    expect(eth.isFinalConsistency(201)).toBe(false);
    expect(eth.isFinalConsistency(203)).toBe(false);
    expect(chains.solana.finality.isFinalConsistency(32)).toBe(true);
    expect(chains.solana.finality.isFinalConsistency(1)).toBe(false);
  });
});
