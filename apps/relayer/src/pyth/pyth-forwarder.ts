import { createHash } from 'node:crypto';
import { errorCodeOf, type OnRelayerEvent } from '../events.js';
import type { RelayerMetrics } from '../ops/metrics.js';
import type { PostOutcome } from '../post/classify-post-result.js';

/** Produces the current Pyth accumulator updates (0x-hex or base64 blobs). */
export type PythSource = (signal: AbortSignal) => Promise<readonly string[]>;

export interface PythForwarderDeps {
  readonly source: PythSource;
  readonly post: (update: string, signal: AbortSignal) => Promise<PostOutcome>;
  readonly metrics: RelayerMetrics;
  readonly onEvent: OnRelayerEvent;
  readonly now: () => number;
  /** Minimum time between two fetches from the source. */
  readonly intervalMs: number;
}

export interface PythForwarder {
  round(signal: AbortSignal): Promise<void>;
  status(): { readonly lastForwardedAt: number | null; readonly lastError: string | null };
}

/**
 * Forwards Pyth price updates to the engine. An update already delivered is not posted again (the
 * engine would answer it as a duplicate anyway); one the engine could not take is retried next time.
 */
export function createPythForwarder(deps: PythForwarderDeps): PythForwarder {
  const delivered = new Set<string>();
  let lastFetchAt = Number.NEGATIVE_INFINITY;
  let lastForwardedAt: number | null = null;
  let lastError: string | null = null;
  const digest = (u: string) => createHash('sha256').update(u).digest('hex');

  return {
    status: () => ({ lastForwardedAt, lastError }),
    async round(signal) {
      if (deps.now() - lastFetchAt < deps.intervalMs) return;
      lastFetchAt = deps.now();
      try {
        const updates = await deps.source(signal);
        const seen = new Set<string>();
        for (const update of updates) {
          const id = digest(update);
          seen.add(id);
          if (delivered.has(id)) continue;
          const result = await deps.post(update, signal);
          deps.metrics.posts.inc({ kind: 'pyth', outcome: result.outcome });
          if (result.outcome === 'retry') throw result.error;
          const code = result.outcome === 'rejected' ? errorCodeOf(result.error) : undefined;
          if (code) deps.metrics.postErrors.inc({ kind: 'pyth', code });
          deps.onEvent({ type: 'pyth-posted', outcome: result.outcome, ...(code ? { code } : {}) });
          delivered.add(id);
          lastForwardedAt = deps.now();
        }
        // Only the current batch needs remembering: older updates never come back from the source.
        for (const id of delivered) if (!seen.has(id)) delivered.delete(id);
        lastError = null;
      } catch (err) {
        if (signal.aborted) throw err;
        lastError = errorCodeOf(err);
        // A failed round is retried on the next one rather than after a full interval.
        lastFetchAt = Number.NEGATIVE_INFINITY;
        const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
        deps.onEvent({ type: 'error', source: 'pyth', code: lastError, message });
      }
    },
  };
}
