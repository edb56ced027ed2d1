export { collateralVaultAbi, collateralVaultBytecode } from './generated/CollateralVault.js';
export { devnetCoreBridgeAbi, devnetCoreBridgeBytecode } from './generated/DevnetCoreBridge.js';
export { multicall3Abi, multicall3Bytecode } from './generated/Multicall3.js';
export { testTokenAbi, testTokenBytecode } from './generated/TestToken.js';
