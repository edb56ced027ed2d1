import { isAppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import {
  CANONICAL_MULTICALL3,
  type EvmNetworkConfig,
  holderAccountId,
  resolveNetworkConfig,
} from './config.js';

const VAULT = '0x1111111111111111111111111111111111111111';
const TOKEN = '0xAbCdEf0000000000000000000000000000000001';
const base: EvmNetworkConfig = {
  chain: 'ethereum',
  rpcUrl: 'https://rpc.example',
  vaults: [{ address: VAULT, startBlock: 100n }],
  tokens: { [TOKEN]: { asset: 'USDC', decimals: 6 } },
};

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return isAppError(e) ? e.code : 'not an AppError';
  }
  return undefined;
};

describe('resolveNetworkConfig', () => {
  it('fills defaults from the chain registry', () => {
    const r = resolveNetworkConfig(base);
    expect(r.evmChainId).toBe(1);
    expect(r.finalityDepth).toBe(64n);
    expect(r.maxBlockRange).toBe(2_000n);
    expect(r.multicallAddress).toBe(CANONICAL_MULTICALL3);
    expect([...r.tokens.keys()]).toEqual([TOKEN.toLowerCase()]);
    expect(r.resolveAccount('0x00000000000000000000000000000000000000aa' as never, 'ethereum')).toBe(
      'acc_evm_00000000000000000000000000000000000000aa',
    );
  });

  it('rejects bad configs with CHAIN__INVALID_CONFIG', () => {
    expect(code(() => resolveNetworkConfig({ ...base, chain: 'solana' }))).toBe('CHAIN__INVALID_CONFIG');
    expect(code(() => resolveNetworkConfig({ ...base, rpcUrl: 'ws://x' }))).toBe('CHAIN__INVALID_CONFIG');
    expect(code(() => resolveNetworkConfig({ ...base, vaults: [] }))).toBe('CHAIN__INVALID_CONFIG');
    expect(code(() => resolveNetworkConfig({ ...base, vaults: [{ address: '0x12', startBlock: 0n }] }))).toBe(
      'CHAIN__INVALID_CONFIG',
    );
    expect(
      code(() => resolveNetworkConfig({ ...base, tokens: { [TOKEN]: { asset: 'X', decimals: 1.5 } } })),
    ).toBe('CHAIN__INVALID_CONFIG');
    expect(code(() => resolveNetworkConfig({ ...base, finalityDepth: -1 }))).toBe('CHAIN__INVALID_CONFIG');
    expect(code(() => resolveNetworkConfig({ ...base, maxBlockRange: 0 }))).toBe('CHAIN__INVALID_CONFIG');
  });

  it('rejects a chain missing from the registry with CORE__UNKNOWN_CHAIN', () => {
    expect(code(() => resolveNetworkConfig({ ...base, chain: 'nope' }))).toBe('CORE__UNKNOWN_CHAIN');
  });

  it('derives valid account ids from holders', () => {
    expect(holderAccountId('0xabcdef0000000000000000000000000000000001' as never)).toBe(
      'acc_evm_abcdef0000000000000000000000000000000001',
    );
  });
});
