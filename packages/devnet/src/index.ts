export { type Devnet, type DevnetOptions, startDevnet } from './devnet.js';
export {
  type DeployedContracts,
  type DevnetToken,
  type DevnetTokenRef,
  type DevnetTokenSpec,
  type DevnetTx,
  defaultDevnetTokens,
  type EvmDevnet,
  type EvmDevnetOptions,
  startEvmDevnet,
} from './evm/index.js';
