import { code } from '../spec.js';

/** Webhook endpoints registered by protocol keys (apps/engine webhooks). */
export const webhookCodes = {
  WEBHOOK__NOT_FOUND: code<{ webhookId: string }>(404, 'No such webhook for this API key'),
} as const;
