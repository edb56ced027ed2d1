export { collateralVaultAbi, collateralVaultBytecode } from './generated/CollateralVault.js';
export { devnetCoreBridgeAbi, devnetCoreBridgeBytecode } from './generated/DevnetCoreBridge.js';
export {
  exampleMarginProtocolAbi,
  exampleMarginProtocolBytecode,
} from './generated/ExampleMarginProtocol.js';
export { multicall3Abi, multicall3Bytecode } from './generated/Multicall3.js';
export { testTokenAbi, testTokenBytecode } from './generated/TestToken.js';
export {
  type AuthorisationMessage,
  type MarginStatementMessage,
  marginStatementTypes,
  seizeTypes,
  withdrawalTypes,
  xmarginDomain,
  xmarginDomainName,
  xmarginDomainVersion,
} from './typed-data.js';
