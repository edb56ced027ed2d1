import { signWebhook } from '@xmargin/client';
import { createRedisConnection } from '@xmargin/jobs';
import type { Store } from '@xmargin/store';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { assertWebhookUrlAllowed } from './assert-webhook-url-allowed.js';
import { postToWebhook } from './post-to-webhook.js';

/** BullMQ queue of webhook deliveries: one job per (webhook, event id), retried with exponential backoff. */
export const WEBHOOK_QUEUE = 'webhook-deliveries';

export interface WebhookJob {
  readonly webhookId: string;
  readonly eventId: string;
}

export interface WebhookRetry {
  readonly maxAttempts: number;
  /** First retry delay (ms); it doubles each attempt. */
  readonly backoffMs: number;
}

export interface WebhookQueue {
  /** Idempotent: the job id is the delivery's key, so a delivery queued twice runs once. */
  enqueue(job: WebhookJob): Promise<void>;
  close(): Promise<void>;
}

export function createWebhookQueue(redis: Redis, prefix: string, retry: WebhookRetry): WebhookQueue {
  const queue = new Queue<WebhookJob>(WEBHOOK_QUEUE, { connection: redis, prefix });
  return {
    async enqueue(job) {
      await queue.add('deliver', job, {
        jobId: `${job.webhookId}.${job.eventId}`,
        attempts: retry.maxAttempts,
        backoff: { type: 'exponential', delay: retry.backoffMs },
        removeOnComplete: 10_000,
        removeOnFail: 10_000,
      });
    },
    close: () => queue.close(),
  };
}

export interface DeliverWebhookParameters {
  readonly store: Pick<Store, 'webhooks'>;
  readonly timeoutMs: number;
  /** Unix ms. */
  readonly now: () => number;
  /** WEBHOOK_ALLOW_PRIVATE: deliveries to loopback / private / link-local addresses allowed. */
  readonly allowPrivate: boolean;
}

/**
 * One attempt: POSTs the signed event, logs the attempt (status, error, duration) and moves the
 * delivery's status; throws on a failure so BullMQ retries it after its backoff. A delivery already
 * done, or of a deleted webhook, is not sent again.
 */
export async function deliverWebhook(
  p: DeliverWebhookParameters,
  job: WebhookJob,
  attemptsLeft: number,
): Promise<'delivered' | 'skipped'> {
  const delivery = await p.store.webhooks.delivery(job.webhookId, job.eventId);
  if (delivery?.status !== 'pending') return 'skipped';
  const webhook = await p.store.webhooks.withSecret(job.webhookId);
  if (!webhook) return 'skipped';
  const sentAt = Math.floor(p.now() / 1000);
  const body = JSON.stringify({
    id: delivery.eventId,
    kind: delivery.kind,
    webhookId: webhook.id,
    sentAt,
    data: delivery.payload,
  });
  const started = performance.now();
  let httpStatus: number | null = null;
  let error: string | null = null;
  try {
    // The name may resolve elsewhere than when it was registered: checked again before each attempt,
    // and its connection refuses an internal address whatever the name resolves to by then.
    await assertWebhookUrlAllowed(webhook.url, { allowPrivate: p.allowPrivate });
    httpStatus = await postToWebhook({
      url: webhook.url,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'xmargin-webhooks/1',
        'x-xmargin-event-id': delivery.eventId,
        'x-xmargin-event-kind': delivery.kind,
        'x-xmargin-signature': signWebhook({ secret: webhook.secret, timestamp: sentAt, body }),
      },
      body,
      timeoutMs: p.timeoutMs,
      allowPrivate: p.allowPrivate,
    });
    if (httpStatus < 200 || httpStatus > 299) error = `HTTP ${httpStatus}`;
  } catch (err) {
    error = err instanceof Error ? `${err.name}: ${err.message}`.slice(0, 500) : String(err);
  }
  const delivered = error === null;
  await p.store.webhooks.recordAttempt({
    webhookId: job.webhookId,
    eventId: job.eventId,
    httpStatus,
    error,
    durationMs: performance.now() - started,
    delivered,
    final: !delivered && attemptsLeft <= 1,
  });
  if (!delivered) {
    const code = { code: 'WEBHOOK__DELIVERY_FAILED' };
    if (attemptsLeft <= 1)
      throw Object.assign(new UnrecoverableError(`webhook delivery failed: ${error}`), code);
    throw Object.assign(new Error(`webhook delivery failed: ${error}`), code);
  }
  return 'delivered';
}

export function startWebhookWorker(
  p: DeliverWebhookParameters & {
    readonly redisUrl: string;
    readonly prefix: string;
  },
): { worker: Worker; connection: Redis } {
  const connection = createRedisConnection(p.redisUrl, { name: 'xmargin-worker-webhooks' });
  const worker = new Worker<WebhookJob>(
    WEBHOOK_QUEUE,
    async (job: Job<WebhookJob>) => deliverWebhook(p, job.data, (job.opts.attempts ?? 1) - job.attemptsMade),
    { connection, prefix: p.prefix, concurrency: 8 },
  );
  // The caller observes it (observeWorker) before anything awaits.
  return { worker, connection };
}
