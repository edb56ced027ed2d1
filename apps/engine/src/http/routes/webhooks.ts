import { randomBytes } from 'node:crypto';
import { AppError } from '@xmargin/errors';
import {
  createdWebhookDto,
  createWebhookBody,
  errorBody,
  okBody,
  webhookDeliveriesDto,
  webhookDeliveriesQuery,
  webhookDto,
  webhookIdParams,
  webhookListDto,
} from '@xmargin/schemas/http';
import type { WebhookRecord } from '@xmargin/store';
import type { EngineContext } from '../../context.js';
import { assertWebhookUrlAllowed } from '../../webhooks/assert-webhook-url-allowed.js';
import type { WebhookKind } from '../../webhooks/webhook-dispatcher.js';
import { type App, authErrors, bearerSecurity } from '../app.js';
import { principalOf } from '../auth.js';

// A protocol key receives events of the accounts that granted its protocol; an admin key, every account's.
const owners = ['protocol', 'admin'] as const;
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const view = (w: WebhookRecord) => ({
  id: w.id,
  url: w.url,
  kinds: w.kinds as WebhookKind[],
  description: w.description,
  createdAt: seconds(w.createdAt),
});

/**
 * Webhooks of the calling API key: signed POSTs of threshold and auction events, retried with backoff,
 * every attempt in a delivery log (see webhooks/). Each key sees and deletes only its own.
 */
export function webhookRoutes(ctx: EngineContext) {
  return (app: App) => {
    const schema = <S extends object>(summary: string, extra: S) => ({
      tags: ['webhooks'],
      summary,
      security: bearerSecurity,
      ...extra,
    });
    const own = async (id: string, keyId: string) => {
      const w = await ctx.store.webhooks.get(id, keyId);
      if (!w) throw new AppError('WEBHOOK__NOT_FOUND', { context: { webhookId: id } });
      return w;
    };

    app.post(
      '/webhooks',
      {
        config: { roles: owners },
        schema: schema('Register a webhook (answers its signing secret, once)', {
          body: createWebhookBody,
          response: { 201: createdWebhookDto, ...authErrors, 422: errorBody },
        }),
      },
      async (request, reply) => {
        const p = principalOf(request);
        const held = (await ctx.store.webhooks.list(p.keyId)).length;
        if (held >= ctx.settings.webhooks.maxPerKey) {
          throw new AppError('API__QUOTA_EXCEEDED', {
            context: { resource: 'webhooks', limit: ctx.settings.webhooks.maxPerKey },
            shortMessage: `This API key already has ${held} webhooks (MAX_WEBHOOKS_PER_KEY)`,
          });
        }
        await assertWebhookUrlAllowed(request.body.url, { allowPrivate: ctx.settings.webhooks.allowPrivate });
        const secret = `whsec_${randomBytes(32).toString('hex')}`;
        const w = await ctx.store.webhooks.create({
          keyId: p.keyId,
          protocol: p.role === 'protocol' ? p.scope : null,
          url: request.body.url,
          kinds: [...new Set(request.body.kinds)],
          secret,
          description: request.body.description ?? null,
        });
        return reply.status(201).send({ ...view(w), secret });
      },
    );

    app.get(
      '/webhooks',
      {
        config: { roles: owners },
        schema: schema("The key's webhooks", { response: { 200: webhookListDto, ...authErrors } }),
      },
      async (request) => ({
        webhooks: (await ctx.store.webhooks.list(principalOf(request).keyId)).map(view),
      }),
    );

    app.get(
      '/webhooks/:webhookId',
      {
        config: { roles: owners },
        schema: schema('One webhook', {
          params: webhookIdParams,
          response: { 200: webhookDto, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => view(await own(request.params.webhookId, principalOf(request).keyId)),
    );

    app.delete(
      '/webhooks/:webhookId',
      {
        config: { roles: owners },
        schema: schema('Delete a webhook (pending deliveries stop; its log stays)', {
          params: webhookIdParams,
          response: { 200: okBody, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const { webhookId } = request.params;
        if (!(await ctx.store.webhooks.remove(webhookId, principalOf(request).keyId)))
          throw new AppError('WEBHOOK__NOT_FOUND', { context: { webhookId } });
        return { ok: true as const };
      },
    );

    app.get(
      '/webhooks/:webhookId/deliveries',
      {
        config: { roles: owners },
        schema: schema('Delivery log of a webhook, newest first, with every attempt', {
          params: webhookIdParams,
          querystring: webhookDeliveriesQuery,
          response: { 200: webhookDeliveriesDto, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const w = await own(request.params.webhookId, principalOf(request).keyId);
        const { limit, before } = request.query;
        const list = await ctx.store.webhooks.deliveries(w.id, {
          limit,
          ...(before === undefined ? {} : { beforeEventId: before }),
        });
        return {
          deliveries: list.map((d) => ({
            eventId: d.eventId,
            kind: d.kind as WebhookKind,
            status: d.status,
            attempts: d.attempts,
            createdAt: seconds(d.createdAt),
            finishedAt: d.finishedAt === null ? null : seconds(d.finishedAt),
            attemptLog: d.attemptLog.map((a) => ({
              attempt: a.attempt,
              at: seconds(a.at),
              httpStatus: a.httpStatus,
              error: a.error,
              durationMs: a.durationMs,
            })),
          })),
          nextBefore: list.length === limit ? list.at(-1)!.eventId : null,
        };
      },
    );
  };
}
