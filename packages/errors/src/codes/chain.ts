import { code } from '../spec.js';

/** Chain adapters (EVM, Solana): RPC failures classified once at the adapter boundary. */
export const chainCodes = {
  CHAIN__RPC_UNAVAILABLE: code<{ chain: string; url: string }>(503, 'RPC endpoint is unreachable'),
  CHAIN__RPC_ERROR: code<{ chain: string; method: string; rpcCode?: number }>(
    502,
    'RPC endpoint returned an error',
  ),
  CHAIN__RPC_TIMEOUT: code<{ chain: string; method: string }>(504, 'RPC request timed out'),
  CHAIN__REORG_DETECTED: code<{ chain: string; height: string; expectedHash: string; actualHash: string }>(
    409,
    'A reorganisation replaced an indexed block',
  ),
  CHAIN__INVALID_CONFIG: code<{ chain: string; reason: string }>(
    500,
    'Chain adapter configuration is invalid',
  ),
  CHAIN__ACCOUNT_NOT_FOUND: code<{ chain: string; address: string }>(404, 'On-chain account does not exist'),
  CHAIN__WRONG_MINT: code<{ chain: string; address: string; expected: string; actual: string }>(
    422,
    'Token account holds a different mint than registered',
  ),
  CHAIN__WRONG_OWNER: code<{ chain: string; address: string; expected: string; actual: string }>(
    422,
    'Account is owned by an unexpected program or wallet',
  ),
  CHAIN__UNSUPPORTED_TOKEN_PROGRAM: code<{ chain: string; address: string; program: string }>(
    422,
    'Token account is owned by neither SPL Token nor Token-2022',
  ),
  CHAIN__TX_REVERTED: code<{ chain: string; txHash?: string; reason?: string }>(
    422,
    'Transaction reverted on chain',
  ),
  CHAIN__INVALID_TOKEN_ACCOUNT: code<{ chain: string; address: string; reason: string }>(
    422,
    'Account is not an initialized SPL token account',
  ),
} as const;
