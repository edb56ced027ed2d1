import type { InsertMarginSnapshotParameters, SnapshotsRepository } from '@xmargin/store';

/**
 * Group commit for the snapshot history: every recompute appends one row, and one INSERT (one round
 * trip, one commit) per row made Postgres the shared bottleneck that a second worker process could not
 * scale past. Rows written while an INSERT is in flight wait for it and go out together in the next
 * one; an idle writer sends at once, so a lone recompute is not delayed. Each caller's promise settles
 * with its own batch: a failed INSERT rejects every job of that batch, and those jobs are retried.
 */
export interface SnapshotHistoryWriter {
  append(row: InsertMarginSnapshotParameters): Promise<void>;
}

export function createSnapshotHistoryWriter(
  snapshots: Pick<SnapshotsRepository, 'insertMany'>,
  maxBatch = 256,
): SnapshotHistoryWriter {
  let pending: { row: InsertMarginSnapshotParameters; resolve: () => void; reject: (e: unknown) => void }[] =
    [];
  let flushing = false;

  async function flush(): Promise<void> {
    flushing = true;
    try {
      while (pending.length > 0) {
        const batch = pending.slice(0, maxBatch);
        pending = pending.slice(batch.length);
        try {
          await snapshots.insertMany(batch.map((p) => p.row));
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      flushing = false;
    }
  }

  return {
    append(row) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ row, resolve, reject });
        // Start on the next microtask so rows appended in the same tick share the first INSERT too.
        if (!flushing) {
          flushing = true;
          queueMicrotask(() => void flush());
        }
      });
    },
  };
}
