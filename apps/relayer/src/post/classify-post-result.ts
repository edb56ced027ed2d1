import { type AppError, isAppError } from '@xmargin/errors';

/**
 * What the relayer does with an attestation after one post:
 * - `accepted`: applied now; `duplicate`: the engine had it already (a replay is a no-op success);
 * - `retry`: the engine did not get to judge it (down, overloaded, timed out): post again later;
 * - `rejected`: the engine judged it and said no (bad signatures, unknown emitter, stale...): posting
 *   the same bytes again cannot succeed, so it is recorded and dropped instead of retried forever.
 */
export type PostOutcome =
  | { readonly outcome: 'accepted' | 'duplicate' }
  | { readonly outcome: 'retry' | 'rejected'; readonly error: AppError | Error };

export function classifyPostError(err: unknown): PostOutcome {
  if (isAppError(err, 'LEDGER__REPLAYED_ATTESTATION')) return { outcome: 'duplicate' };
  if (!isAppError(err))
    return { outcome: 'retry', error: err instanceof Error ? err : new Error(String(err)) };
  // 5xx (engine, gateway, network and timeout codes) and 429 say nothing about the attestation itself.
  if (err.status >= 500 || err.status === 429) return { outcome: 'retry', error: err };
  return { outcome: 'rejected', error: err };
}

/** Runs one post and classifies it; an abort (the relayer stopping) propagates. */
export async function postAndClassify(
  post: () => Promise<{ status: 'accepted' | 'duplicate' }>,
): Promise<PostOutcome> {
  try {
    const res = await post();
    return { outcome: res.status };
  } catch (err) {
    if (isAppError(err, 'CLIENT__ABORTED')) throw err;
    return classifyPostError(err);
  }
}
