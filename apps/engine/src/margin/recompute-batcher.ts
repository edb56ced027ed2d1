import type { RecomputeAccountParameters, RecomputeOutcome } from './recompute-account.js';
import type { MarginSnapshot } from './snapshot.js';

/**
 * Groups the recompute jobs a worker process holds at once into batches (see `recomputeAccounts`),
 * the way a group commit does: a request arriving while `maxInFlight` batches run waits, and the next
 * batch takes every waiting request, up to `maxBatch`. A lone request is not delayed: an idle batcher
 * starts on the next microtask. So batches are as large as the load makes them, and no larger.
 */
export interface RecomputeBatcher {
  /** Settles with this account's own outcome, whatever happens to the rest of its batch. */
  recompute(request: RecomputeAccountParameters): Promise<MarginSnapshot>;
}

export interface RecomputeBatcherOptions {
  /** Most requests per batch (default 64). */
  readonly maxBatch?: number;
  /**
   * Batches running at once (default 2): one computing while the other waits on Postgres and Redis
   * keeps the process's CPU busy without making batches small.
   */
  readonly maxInFlight?: number;
}

export function createRecomputeBatcher(
  run: (requests: readonly RecomputeAccountParameters[]) => Promise<RecomputeOutcome[]>,
  { maxBatch = 64, maxInFlight = 2 }: RecomputeBatcherOptions = {},
): RecomputeBatcher {
  interface Pending {
    readonly request: RecomputeAccountParameters;
    readonly resolve: (s: MarginSnapshot) => void;
    readonly reject: (e: unknown) => void;
  }
  let pending: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;

  function pump(): void {
    scheduled = false;
    while (inFlight < maxInFlight && pending.length > 0) {
      const batch = pending.slice(0, maxBatch);
      pending = pending.slice(batch.length);
      inFlight++;
      run(batch.map((p) => p.request))
        .then(
          (outcomes) =>
            batch.forEach((p, i) => {
              const o = outcomes[i];
              if (o?.ok) p.resolve(o.snapshot);
              else p.reject(o ? o.error : new Error('recompute batch returned no outcome for a request'));
            }),
          (err: unknown) => {
            for (const p of batch) p.reject(err);
          },
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  return {
    recompute(request) {
      return new Promise<MarginSnapshot>((resolve, reject) => {
        pending.push({ request, resolve, reject });
        // On the next microtask, so requests arriving in the same tick share the first batch too.
        if (!scheduled && inFlight < maxInFlight) {
          scheduled = true;
          queueMicrotask(pump);
        }
      });
    },
  };
}
