import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual([
    'ASSOCIATED_TOKEN_PROGRAM_ID',
    'MAX_BATCH_SIZE',
    'TOKEN_2022_PROGRAM_ID',
    'TOKEN_ACCOUNT_LAYOUT',
    'TOKEN_PROGRAM_ID',
    'associatedTokenAddress',
    'classifyRpcError',
    'createSolanaCollateralSource',
    'createSolanaEscrowClient',
    'decodeTokenAccount',
    'escrowAddress',
    'escrowAuthority',
    'initializeAccount3',
    'transferChecked',
  ]);
});
