import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual([
    'ASSOCIATED_TOKEN_PROGRAM_ID',
    'DEVNET_FORCED_WITHDRAWAL_DELAY',
    'DEVNET_SETTLEMENT_PRIVATE_KEY',
    'TOKEN_2022_PROGRAM_ID',
    'TOKEN_PROGRAM_ID',
    'defaultDevnetTokens',
    'startDevnet',
    'startDevnetGuardians',
    'startEvmDevnet',
    'startSolanaDevnet',
  ]);
});
