export type { DeployedContracts, DevnetToken, DevnetTokenSpec } from './deploy.js';
export {
  type DevnetTokenRef,
  type DevnetTx,
  defaultDevnetTokens,
  type EvmDevnet,
  type EvmDevnetOptions,
  startEvmDevnet,
} from './start-evm-devnet.js';
