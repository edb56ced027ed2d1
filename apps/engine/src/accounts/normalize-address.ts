import { evmAddress, solanaAddress } from '@xmargin/core';
import { AppError, isAppError } from '@xmargin/errors';

/** Canonical form of an address to link (CORE__INVALID_ID becomes a request error naming the field). */
export function normalizeAddress(chain: 'evm' | 'solana', address: string): string {
  try {
    return chain === 'evm' ? evmAddress(address) : solanaAddress(address);
  } catch (err) {
    if (isAppError(err, 'CORE__INVALID_ID')) {
      throw new AppError('API__INVALID_REQUEST', {
        context: { part: 'body', issues: [{ path: '$.address', message: err.shortMessage }] },
        shortMessage: err.shortMessage,
        cause: err,
      });
    }
    throw err;
  }
}
