import { code } from '../spec.js';

/** Webhook endpoints registered by protocol keys (apps/engine webhooks). */
export const webhookCodes = {
  WEBHOOK__NOT_FOUND: code<{ webhookId: string }>(404, 'No such webhook for this API key'),
  WEBHOOK__URL_NOT_ALLOWED: code<{ url: string; reason: string }>(
    422,
    'Webhook URL must be http(s) and resolve to a public address',
  ),
  WEBHOOK__DELIVERY_FAILED: code<{ webhookId: string; eventId: string }>(
    502,
    'Webhook endpoint did not accept the delivery',
  ),
} as const;
