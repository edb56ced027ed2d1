import { SolanaJSONRPCError } from '@solana/web3.js';
import { AppError, isAppError } from '@xmargin/errors';

export interface RpcErrorContext {
  readonly chain: string;
  readonly url: string;
  readonly method: string;
}

/** HTTP statuses that mean "the endpoint is not serving right now", as opposed to "it refused this request". */
const UNAVAILABLE_HTTP = /^(429|502|503|504) /;

/**
 * Classifies whatever web3.js threw into one of the adapter's stable codes, once, at the boundary:
 * no answer at all → CHAIN__RPC_UNAVAILABLE, our deadline passed → CHAIN__RPC_TIMEOUT, an answer that
 * is an error (JSON-RPC error, HTTP error, a response web3.js cannot parse) → CHAIN__RPC_ERROR.
 */
export function classifyRpcError(err: unknown, ctx: RpcErrorContext): AppError {
  if (isAppError(err)) return err;
  const { chain, url, method } = ctx;
  const name = err instanceof Error || err instanceof DOMException ? err.name : '';
  if (name === 'TimeoutError') {
    return new AppError('CHAIN__RPC_TIMEOUT', {
      context: { chain, method },
      details: `${method} on ${url}`,
      cause: err,
    });
  }
  if (err instanceof SolanaJSONRPCError) {
    return new AppError('CHAIN__RPC_ERROR', {
      context: { chain, method, ...(typeof err.code === 'number' ? { rpcCode: err.code } : {}) },
      details: err.message,
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  // Node's fetch rejects with `TypeError: fetch failed` when it cannot connect (refused, reset, DNS).
  if ((err instanceof TypeError && message === 'fetch failed') || UNAVAILABLE_HTTP.test(message)) {
    return new AppError('CHAIN__RPC_UNAVAILABLE', {
      context: { chain, url },
      details: `${method}: ${message}`,
      cause: err,
    });
  }
  return new AppError('CHAIN__RPC_ERROR', { context: { chain, method }, details: message, cause: err });
}
