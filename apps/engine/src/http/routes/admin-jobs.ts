import {
  adminAuditDto,
  errorBody,
  failedJobsPageDto,
  failedJobsQuery,
  okBody,
  queueJobParams,
  queueNameParams,
  queueOverviewDto,
  retriedDto,
} from '@xmargin/schemas/http';
import { z } from 'zod';
import { createAdminAudit } from '../../admin/admin-audit.js';
import { createQueueBrowser } from '../../admin/queue-browser.js';
import type { EngineContext } from '../../context.js';
import { type App, authErrors, bearerSecurity } from '../app.js';
import { principalOf } from '../auth.js';

const admin = ['admin'] as const;

/**
 * Queues and workers for the console, whatever queues the engine runs (found in Redis through BullMQ):
 * depths, worker liveness, failed jobs paged and searchable by account, retry and discard. Every
 * retry and discard is written to the admin audit log with the key that did it.
 */
export function adminJobRoutes(ctx: EngineContext) {
  return (app: App) => {
    const browser = createQueueBrowser(ctx.redis, ctx.settings.queuePrefix, ctx.now);
    const audit = createAdminAudit(ctx.redis, ctx.settings.queuePrefix, ctx.now);
    app.addHook('onClose', async () => browser.close());
    const schema = <S extends object>(summary: string, extra: S) => ({
      tags: ['admin'],
      summary,
      security: bearerSecurity,
      ...extra,
    });

    app.get(
      '/admin/jobs/queues',
      {
        config: { roles: admin },
        schema: schema('Every queue under the prefix: jobs per state, workers connected', {
          response: { 200: queueOverviewDto, ...authErrors },
        }),
      },
      async () => ({ at: ctx.now(), ...(await browser.overview()) }),
    );
    app.get(
      '/admin/jobs/:queue/failed',
      {
        config: { roles: admin },
        schema: schema('Failed jobs of a queue with their latest error, latest first (paged)', {
          params: queueNameParams,
          querystring: failedJobsQuery,
          response: { 200: failedJobsPageDto, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => browser.failed(request.params.queue, request.query),
    );
    app.post(
      '/admin/jobs/:queue/failed/:jobId/retry',
      {
        config: { roles: admin },
        schema: schema('Retry one failed job (audited)', {
          params: queueJobParams,
          response: { 200: okBody, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const { queue, jobId } = request.params;
        await browser.retry(queue, jobId);
        await audit.record({
          actor: principalOf(request).name,
          action: 'job.retry',
          target: `${queue}/${jobId}`,
          detail: '',
        });
        return { ok: true as const };
      },
    );
    app.post(
      '/admin/jobs/:queue/failed/retry-all',
      {
        config: { roles: admin },
        schema: schema('Retry every failed job of a queue (audited)', {
          params: queueNameParams,
          response: { 200: retriedDto, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const { queue } = request.params;
        const retried = await browser.retryAll(queue);
        await audit.record({
          actor: principalOf(request).name,
          action: 'job.retry-all',
          target: queue,
          detail: `${retried} jobs`,
        });
        return { retried };
      },
    );
    app.delete(
      '/admin/jobs/:queue/failed/:jobId',
      {
        config: { roles: admin },
        schema: schema('Discard one failed job (audited)', {
          params: queueJobParams,
          response: { 200: okBody, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const { queue, jobId } = request.params;
        await browser.discard(queue, jobId);
        await audit.record({
          actor: principalOf(request).name,
          action: 'job.discard',
          target: `${queue}/${jobId}`,
          detail: '',
        });
        return { ok: true as const };
      },
    );
    app.get(
      '/admin/audit',
      {
        config: { roles: admin },
        schema: schema('Operator actions on jobs, latest first (parameter changes: /admin/params/audit)', {
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
          response: { 200: adminAuditDto, ...authErrors },
        }),
      },
      async (request) => ({ entries: await audit.list(request.query.limit) }),
    );
  };
}
