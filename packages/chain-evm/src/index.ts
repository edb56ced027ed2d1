export {
  type ClassifiedRpcError,
  classifyRpcError,
  type RpcErrorContext,
} from './classify-rpc-error.js';
export {
  type AccountResolver,
  CANONICAL_MULTICALL3,
  type EvmNetworkConfig,
  type EvmTokenConfig,
  type EvmVaultConfig,
  holderAccountId,
  type ResolvedNetworkConfig,
  resolveNetworkConfig,
} from './config.js';
export {
  createEvmCollateralSource,
  type EvmCollateralSource,
  type EvmPollResult,
  type EvmSkipped,
} from './create-evm-collateral-source.js';
export { createEvmCollateralSources } from './create-evm-collateral-sources.js';
export type { EvmWalletBalance, ReadBalancesParameters, ReadBalancesReturnType } from './read-balances.js';
export { vaultEventsAbi } from './vault-events.js';
