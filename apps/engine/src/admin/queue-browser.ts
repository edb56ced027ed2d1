import { AppError } from '@xmargin/errors';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export interface QueueView {
  readonly queue: string;
  readonly paused: boolean;
  readonly waiting: number;
  readonly prioritized: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
  readonly completed: number;
  readonly workers: number;
  /** Jobs finished per second over the last RATE_WINDOW_MS, from the queue's event stream. */
  readonly completedPerSecond: number;
  readonly failedPerSecond: number;
}

export interface WorkerView {
  readonly queue: string;
  readonly name: string;
  readonly addr: string;
  readonly ageSeconds: number;
  readonly idleSeconds: number;
}

export interface FailedJobPage {
  readonly queue: string;
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly jobs: {
    id: string;
    name: string;
    data: unknown;
    failedReason: string;
    attemptsMade: number;
    timestamp: number;
    finishedOn: number | null;
  }[];
}

/**
 * Operator access to every BullMQ queue under the engine's prefix, whatever their names: queues are
 * found in Redis (each has a `<prefix>:<name>:meta` hash), so queues added or retired by other parts
 * of the engine show up without this module knowing them.
 */
export interface QueueBrowser {
  names(): Promise<string[]>;
  overview(): Promise<{ queues: QueueView[]; workers: WorkerView[] }>;
  failed(
    queue: string,
    p: { offset: number; limit: number; accountId?: string | undefined },
  ): Promise<FailedJobPage>;
  retry(queue: string, jobId: string): Promise<void>;
  retryAll(queue: string): Promise<number>;
  discard(queue: string, jobId: string): Promise<void>;
  close(): Promise<void>;
}

/** Rates are counted over this window of the queue's BullMQ event stream. */
export const RATE_WINDOW_MS = 10_000;

/** How many failed jobs an account search looks through (latest first). */
const SEARCH_WINDOW = 2_000;

/** True when any string in the payload (at any depth) is exactly the account id. */
export function payloadMentions(data: unknown, id: string, depth = 0): boolean {
  if (typeof data === 'string') return data === id;
  if (depth > 4 || data === null || typeof data !== 'object') return false;
  const values = Array.isArray(data) ? data : Object.values(data);
  return values.some((v) => payloadMentions(v, id, depth + 1));
}

export function createQueueBrowser(
  connection: Redis,
  prefix: string,
  now: () => number = Date.now,
): QueueBrowser {
  const open = new Map<string, Queue>();
  const queueOf = (name: string): Queue => {
    let q = open.get(name);
    if (!q) {
      q = new Queue(name, { connection, prefix });
      q.on('error', () => undefined);
      open.set(name, q);
    }
    return q;
  };

  async function names(): Promise<string[]> {
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await connection.scan(cursor, 'MATCH', `${prefix}:*:meta`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const name = key.slice(prefix.length + 1, -':meta'.length);
        if (name.length > 0 && !name.includes(':')) found.add(name);
      }
    } while (cursor !== '0');
    // A key named like a queue's meta but of another type is not a queue.
    const typed = await Promise.all(
      [...found].map(async (n) => [n, await connection.type(`${prefix}:${n}:meta`)] as const),
    );
    return typed
      .filter(([, t]) => t === 'hash')
      .map(([n]) => n)
      .sort();
  }

  /**
   * Completed and failed events in the window: stream ids start with the event's unix ms, so the
   * window is one XRANGE (the stream is capped by BullMQ, so a very busy queue reads as at least that).
   */
  async function rates(name: string): Promise<{ completed: number; failed: number }> {
    const entries = await connection.xrange(
      `${prefix}:${name}:events`,
      String(now() - RATE_WINDOW_MS),
      '+',
      'COUNT',
      20_000,
    );
    let completed = 0;
    let failed = 0;
    for (const [, fields] of entries) {
      const event = fields[fields.indexOf('event') + 1];
      if (event === 'completed') completed++;
      else if (event === 'failed') failed++;
    }
    const seconds = RATE_WINDOW_MS / 1000;
    return { completed: completed / seconds, failed: failed / seconds };
  }

  async function known(queue: string): Promise<Queue> {
    if (!open.has(queue) && (await connection.type(`${prefix}:${queue}:meta`)) !== 'hash') {
      throw new AppError('QUEUE__JOB_NOT_FOUND', {
        context: { queue, jobId: '*' },
        shortMessage: `No queue ${queue}`,
      });
    }
    return queueOf(queue);
  }

  async function failedJob(queue: string, jobId: string) {
    const job = await (await known(queue)).getJob(jobId);
    if (!job || !(await job.isFailed())) {
      throw new AppError('QUEUE__JOB_NOT_FOUND', {
        context: { queue, jobId },
        shortMessage: `No failed job ${jobId} in ${queue}`,
      });
    }
    return job;
  }

  return {
    names,
    async overview() {
      const all = await names();
      const workers: WorkerView[] = [];
      const queues = await Promise.all(
        all.map(async (name) => {
          const q = queueOf(name);
          const [c, paused, r, ws] = await Promise.all([
            q.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'),
            q.isPaused(),
            rates(name),
            q.getWorkers().catch(() => [] as { [key: string]: string }[]),
          ]);
          for (const w of ws) {
            workers.push({
              queue: name,
              name: w.name ?? '',
              addr: w.addr ?? '',
              ageSeconds: Number(w.age ?? 0),
              idleSeconds: Number(w.idle ?? 0),
            });
          }
          return {
            queue: name,
            paused,
            waiting: c.waiting ?? 0,
            prioritized: c.prioritized ?? 0,
            active: c.active ?? 0,
            delayed: c.delayed ?? 0,
            failed: c.failed ?? 0,
            completed: c.completed ?? 0,
            workers: ws.length,
            completedPerSecond: r.completed,
            failedPerSecond: r.failed,
          };
        }),
      );
      return { queues, workers };
    },
    async failed(queue, { offset, limit, accountId }) {
      const q = await known(queue);
      const view = (j: Awaited<ReturnType<Queue['getFailed']>>[number]) => ({
        id: String(j.id),
        name: j.name,
        data: j.data as unknown,
        failedReason: j.failedReason ?? '',
        attemptsMade: j.attemptsMade,
        timestamp: j.timestamp,
        finishedOn: j.finishedOn ?? null,
      });
      if (accountId === undefined || accountId === '') {
        const [total, jobs] = await Promise.all([
          q.getFailedCount(),
          q.getFailed(offset, offset + limit - 1),
        ]);
        return { queue, total, offset, limit, jobs: jobs.filter(Boolean).map(view) };
      }
      const matching = (await q.getFailed(0, SEARCH_WINDOW - 1)).filter(
        (j) => j && payloadMentions(j.data, accountId),
      );
      return {
        queue,
        total: matching.length,
        offset,
        limit,
        jobs: matching.slice(offset, offset + limit).map(view),
      };
    },
    async retry(queue, jobId) {
      await (await failedJob(queue, jobId)).retry('failed');
    },
    async retryAll(queue) {
      const q = await known(queue);
      const count = await q.getFailedCount();
      if (count > 0) await q.retryJobs({ state: 'failed', count: 1_000 });
      return count;
    },
    async discard(queue, jobId) {
      await (await failedJob(queue, jobId)).remove();
    },
    async close() {
      await Promise.all([...open.values()].map((q) => q.close().catch(() => undefined)));
      open.clear();
    },
  };
}
