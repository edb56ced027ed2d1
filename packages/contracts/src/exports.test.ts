import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual([
    'collateralVaultAbi',
    'collateralVaultBytecode',
    'devnetCoreBridgeAbi',
    'devnetCoreBridgeBytecode',
    'exampleMarginProtocolAbi',
    'exampleMarginProtocolBytecode',
    'marginStatementTypes',
    'multicall3Abi',
    'multicall3Bytecode',
    'seizeTypes',
    'testTokenAbi',
    'testTokenBytecode',
    'withdrawalTypes',
    'xmarginDomain',
    'xmarginDomainName',
    'xmarginDomainVersion',
  ]);
});
