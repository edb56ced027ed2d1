export interface QueueCountsSample {
  readonly at: number;
  readonly queues: readonly { readonly queue: string; readonly completed: number; readonly failed: number }[];
}

export interface QueueRate {
  readonly completedPerSecond: number | null;
  readonly failedPerSecond: number | null;
}

/**
 * Jobs per second between two polls of the queue counts. Counts that went down (jobs removed,
 * a retry moving failed jobs back to waiting) give no rate rather than a negative one.
 */
export function queueRates(
  prev: QueueCountsSample | undefined,
  next: QueueCountsSample,
): Map<string, QueueRate> {
  const out = new Map<string, QueueRate>();
  const seconds = prev ? (next.at - prev.at) / 1000 : 0;
  for (const q of next.queues) {
    const before = prev?.queues.find((p) => p.queue === q.queue);
    if (!before || seconds <= 0) {
      out.set(q.queue, { completedPerSecond: null, failedPerSecond: null });
      continue;
    }
    const rate = (a: number, b: number) => (b >= a ? (b - a) / seconds : null);
    out.set(q.queue, {
      completedPerSecond: rate(before.completed, q.completed),
      failedPerSecond: rate(before.failed, q.failed),
    });
  }
  return out;
}
