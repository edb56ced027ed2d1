import { AppError } from '@xmargin/errors';
import type { EvmNetworkConfig } from './config.js';
import { createEvmCollateralSource, type EvmCollateralSource } from './create-evm-collateral-source.js';

/**
 * One source per EVM network, each with its own RPC, vaults, tokens and finality. Chain names must be
 * unique: the ledger keys observations and cursors by chain.
 */
export function createEvmCollateralSources(configs: readonly EvmNetworkConfig[]): EvmCollateralSource[] {
  const seen = new Set<string>();
  for (const c of configs) {
    if (seen.has(c.chain)) {
      throw new AppError('CHAIN__INVALID_CONFIG', {
        context: { chain: c.chain, reason: 'configured twice' },
      });
    }
    seen.add(c.chain);
  }
  return configs.map((c) => createEvmCollateralSource(c));
}
