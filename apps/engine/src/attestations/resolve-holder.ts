import { base58Encode, getChain } from '@xmargin/core';
import { fromHexLoose } from './bytes.js';

/**
 * The address a vault credited, in the form accounts link (lower-case 0x EVM address, or base58 for
 * Solana), plus the platform key the link table uses.
 */
export function linkedFormOf(
  chain: string,
  universal: string,
): { platform: 'evm' | 'solana'; address: string } {
  const info = getChain(chain);
  const hex = universal.toLowerCase();
  if (info.platform === 'evm') return { platform: 'evm', address: `0x${hex.slice(-40)}` };
  return { platform: 'solana', address: base58Encode(fromHexLoose(hex)) };
}
