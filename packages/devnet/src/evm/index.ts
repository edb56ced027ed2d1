export type { DeployedContracts, DevnetToken, DevnetTokenSpec } from './deploy.js';
export { DEVNET_FORCED_WITHDRAWAL_DELAY, DEVNET_SETTLEMENT_PRIVATE_KEY } from './settlement-key.js';
export {
  type DevnetAuthorisation,
  type DevnetTokenRef,
  type DevnetTx,
  defaultDevnetTokens,
  type EvmDevnet,
  type EvmDevnetOptions,
  startEvmDevnet,
} from './start-evm-devnet.js';
export type { SignAuthorisationParameters, SignedAuthorisation } from './vault-authorisations.js';
