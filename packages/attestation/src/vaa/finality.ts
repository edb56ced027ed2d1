import { type ChainInfo, chains } from '@xmargin/core';
import { AppError } from '@xmargin/errors';

const byWormholeId = new Map<number, ChainInfo>();
for (const c of Object.values(chains) as ChainInfo[]) {
  if (!byWormholeId.has(c.wormholeChainId)) byWormholeId.set(c.wormholeChainId, c);
}

// Chains outside our registry get the EVM rule: most Wormhole chains are EVM, and their core bridges use
// 200/201/203 for the non-final levels. Emitters on such chains still need an allow-list entry.
const evmRule = (level: number): boolean => level !== 200 && level !== 201 && level !== 203;

/** Whether `consistencyLevel` means "finalized" for messages emitted on Wormhole chain `emitterChain`. */
export function isFinalConsistencyLevel(emitterChain: number, consistencyLevel: number): boolean {
  const chain = byWormholeId.get(emitterChain);
  return chain ? chain.finality.isFinalConsistency(consistencyLevel) : evmRule(consistencyLevel);
}

export function assertFinal(emitterChain: number, consistencyLevel: number): void {
  if (!isFinalConsistencyLevel(emitterChain, consistencyLevel)) {
    throw new AppError('ATTESTATION__NOT_FINAL', {
      shortMessage: `Consistency level ${consistencyLevel} is not final on chain ${emitterChain}`,
      context: { emitterChain, consistencyLevel },
    });
  }
}
