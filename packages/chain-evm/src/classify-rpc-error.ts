import { AppError, isAppError } from '@xmargin/errors';
import { BaseError, HttpRequestError, TimeoutError } from 'viem';

export interface RpcErrorContext {
  readonly chain: string;
  readonly url: string;
  /** JSON-RPC method (or adapter operation) that failed. */
  readonly method: string;
}

export type ClassifiedRpcError = AppError<
  'CHAIN__RPC_UNAVAILABLE' | 'CHAIN__RPC_ERROR' | 'CHAIN__RPC_TIMEOUT'
>;

// Gateways answer these when the node behind them is down or overloaded: the endpoint is unavailable,
// not wrong, so callers should retry later rather than treat the request as bad.
const UNAVAILABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** A JSON-RPC error code carried by a viem error (RpcRequestError or the typed RpcError subclasses). */
function rpcCodeOf(err: BaseError): number | undefined {
  const found = err.walk((e) => typeof (e as { code?: unknown }).code === 'number');
  const code = (found as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/**
 * Maps any failure of an RPC call to one of the three chain codes, once, at the adapter boundary:
 * no answer at all (connection refused, DNS, gateway 5xx/429) is CHAIN__RPC_UNAVAILABLE, a request that
 * ran past its deadline is CHAIN__RPC_TIMEOUT, and an answer that is an error is CHAIN__RPC_ERROR with the
 * node's JSON-RPC code. An AppError passes through unchanged.
 */
export function classifyRpcError(err: unknown, ctx: RpcErrorContext): ClassifiedRpcError | AppError {
  if (isAppError(err)) return err;
  const base = err instanceof BaseError ? err : undefined;
  if (base?.walk((e) => e instanceof TimeoutError) || (err as { name?: unknown })?.name === 'TimeoutError') {
    return new AppError('CHAIN__RPC_TIMEOUT', {
      context: { chain: ctx.chain, method: ctx.method },
      cause: err,
    });
  }
  const http = base?.walk((e) => e instanceof HttpRequestError) as HttpRequestError | null | undefined;
  if (http && (http.status === undefined || UNAVAILABLE_STATUS.has(http.status))) {
    return new AppError('CHAIN__RPC_UNAVAILABLE', {
      context: { chain: ctx.chain, url: ctx.url },
      details: http.status === undefined ? (base?.details ?? 'no response') : `HTTP ${http.status}`,
      cause: err,
    });
  }
  const rpcCode = base && !http ? rpcCodeOf(base) : undefined;
  return new AppError('CHAIN__RPC_ERROR', {
    context: {
      chain: ctx.chain,
      method: ctx.method,
      ...(rpcCode === undefined ? {} : { rpcCode }),
    },
    ...(base ? { details: base.shortMessage } : {}),
    cause: err,
  });
}

/** Runs one RPC call and classifies whatever it throws. */
export async function rpcCall<T>(ctx: RpcErrorContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw classifyRpcError(err, ctx);
  }
}
