import { AppError } from '@xmargin/errors';

/**
 * Runs one RPC call and classifies its failure once, at this boundary: unreachable node vs an error
 * the node returned. `chain` names the chain in the error context (e.g. `wormhole:2`).
 */
export async function rpcCall<T>(
  chain: string,
  url: string,
  method: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    const text = cause instanceof Error ? `${cause.message} ${String(cause.cause)}` : String(cause);
    if (/fetch failed|ECONNREFUSED|ECONNRESET|socket hang up/i.test(text)) {
      throw new AppError('CHAIN__RPC_UNAVAILABLE', { context: { chain, url }, cause });
    }
    throw new AppError('CHAIN__RPC_ERROR', {
      shortMessage: `RPC ${method} failed on ${chain}`,
      context: { chain, method },
      cause,
    });
  }
}
