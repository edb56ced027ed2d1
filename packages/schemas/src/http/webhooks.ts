import { z } from 'zod';
import { streamId, unixSeconds } from './common.js';

/**
 * What a webhook receives: `threshold` (a margin excess crossed 0 or a configured level: the margin
 * stream's `threshold` events) and `auction` (the liquidation stream's events).
 */
export const webhookKind = z.enum(['threshold', 'auction']);

const webhookId = z.string().regex(/^wh_[0-9a-f-]{36}$/, 'expected wh_ followed by a uuid');

export const webhookIdParams = z.object({ webhookId });

export const createWebhookBody = z
  .object({
    /** Where deliveries are POSTed (http or https). */
    url: z.url({ protocol: /^https?$/, error: 'expected an http or https URL' }).max(2_000),
    kinds: z.array(webhookKind).min(1).max(2),
    description: z.string().max(200).optional(),
  })
  .strict();

export const webhookDto = z
  .object({
    id: webhookId,
    url: z.string(),
    kinds: z.array(webhookKind),
    description: z.string().nullable(),
    createdAt: unixSeconds,
  })
  .meta({ id: 'Webhook' });

/** The answer to a registration: the only time the signing secret is shown. */
export const createdWebhookDto = webhookDto.extend({
  /** HMAC-SHA256 key of `X-Xmargin-Signature` (see README, Webhooks). Store it: it is not shown again. */
  secret: z.string(),
});

export const webhookListDto = z.object({ webhooks: z.array(webhookDto) });

export const webhookDeliveriesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Deliveries created before this event's (the previous page's `nextBefore`). */
  before: streamId.optional(),
});

export const webhookDeliveriesDto = z.object({
  deliveries: z.array(
    z.object({
      eventId: streamId,
      kind: webhookKind,
      status: z.enum(['pending', 'delivered', 'failed']),
      attempts: z.number().int().nonnegative(),
      createdAt: unixSeconds,
      finishedAt: unixSeconds.nullable(),
      attemptLog: z.array(
        z.object({
          attempt: z.number().int().positive(),
          at: unixSeconds,
          /** Null when no response came (timeout, connection refused). */
          httpStatus: z.number().int().nullable(),
          error: z.string().nullable(),
          durationMs: z.number().int().nonnegative(),
        }),
      ),
    }),
  ),
  nextBefore: streamId.nullable(),
});

/** The JSON body POSTed to a webhook (signed, see README): the event as the SSE stream carries it. */
export const webhookPayload = z.object({
  /** The event's id (its stream id): one delivery per webhook and id, retries included. */
  id: streamId,
  kind: webhookKind,
  webhookId,
  /** When this attempt was sent (unix seconds; the signature's `t` is the same). */
  sentAt: unixSeconds,
  data: z.record(z.string(), z.unknown()),
});
