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
} as const;
