import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual([
    'HOLDER_SAFE_ROUNDING',
    'accountId',
    'addAmounts',
    'amount',
    'amountFromNumber',
    'amountToNumber',
    'base58Decode',
    'base58Encode',
    'chainByWormholeId',
    'chains',
    'compareAmounts',
    'divRound',
    'evmAddress',
    'formatAmount',
    'getChain',
    'isChainName',
    'mulDivAmount',
    'parseAmount',
    'pow10',
    'rescaleAmount',
    'solanaAddress',
    'solanaToUniversal',
    'subAmounts',
    'systemClock',
    'universalAddress',
    'wormholeChainId',
  ]);
});
