import { AppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import { isRangeTooLarge } from './read-vault-logs.js';

const rpcError = (details: string, rpcCode?: number) =>
  new AppError('CHAIN__RPC_ERROR', {
    context: { chain: 'ethereum', method: 'eth_getLogs', ...(rpcCode === undefined ? {} : { rpcCode }) },
    details,
  });

describe('isRangeTooLarge', () => {
  it("recognises providers' range and result-count refusals", () => {
    expect(isRangeTooLarge(rpcError('limit exceeded', -32005))).toBe(true);
    expect(isRangeTooLarge(rpcError('query returned more than 10000 results', -32602))).toBe(true);
    expect(isRangeTooLarge(rpcError('eth_getLogs block range is too large, max is 2000', -32600))).toBe(true);
    expect(isRangeTooLarge(rpcError('Log response size exceeded', -32602))).toBe(true);
  });

  it('leaves other failures alone', () => {
    expect(isRangeTooLarge(rpcError('execution reverted', 3))).toBe(false);
    expect(
      isRangeTooLarge(new AppError('CHAIN__RPC_TIMEOUT', { context: { chain: 'x', method: 'eth_getLogs' } })),
    ).toBe(false);
    expect(isRangeTooLarge(new Error('range too large'))).toBe(false);
  });
});
