import type { InsertMarginSnapshotParameters, SnapshotsRepository } from '@xmargin/store';

/**
 * History rows leave the publish path: a market move publishes tens of thousands of views in one
 * Redis pipeline, and their history rows follow in the background, in INSERTs of up to `maxBatch`
 * rows. A failed INSERT (Postgres down) is retried with backoff, up to `retryMaxMs` apart, keeping the
 * rows; they are lost only if the process dies before Postgres comes back (the views and events are
 * already out: the history is an audit trail, not the margin).
 */
export interface HistoryQueue {
  push(rows: readonly InsertMarginSnapshotParameters[]): void;
  readonly pending: number;
  /** Resolves when every row pushed so far is written (or `close` gave up on them). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export function createHistoryQueue(
  snapshots: Pick<SnapshotsRepository, 'insertMany'>,
  options: { maxBatch?: number; retryMaxMs: number; onError: (err: unknown) => void },
): HistoryQueue {
  const maxBatch = options.maxBatch ?? 2_000;
  let rows: InsertMarginSnapshotParameters[] = [];
  let flushing: Promise<void> | undefined;
  let closed = false;

  async function flush(): Promise<void> {
    let attempt = 0;
    while (rows.length > 0 && !closed) {
      const batch = rows.slice(0, maxBatch);
      try {
        await snapshots.insertMany(batch);
        rows = rows.slice(batch.length);
        attempt = 0;
      } catch (err) {
        options.onError(err);
        attempt++;
        await new Promise((r) => setTimeout(r, Math.min(options.retryMaxMs, 100 * 2 ** attempt)));
      }
    }
  }
  const start = () => {
    flushing ??= flush().finally(() => {
      flushing = undefined;
      if (rows.length > 0 && !closed) start();
    });
    return flushing;
  };
  return {
    push(more) {
      if (more.length === 0 || closed) return;
      rows.push(...more);
      void start();
    },
    get pending() {
      return rows.length;
    },
    async drain() {
      while (flushing) await flushing;
    },
    async close() {
      // One last attempt for what is queued, then stop retrying.
      await Promise.race([this.drain(), new Promise((r) => setTimeout(r, 5_000))]);
      closed = true;
    },
  };
}
