import {
  adminAuditDto,
  adminAuditQuery,
  errorBody,
  failedJobsPageDto,
  failedJobsQuery,
  okBody,
  queueJobParams,
  queueNameParams,
  queueOverviewDto,
  retriedDto,
  shardOwnershipDto,
} from '@xmargin/schemas/http';
import { createQueueBrowser } from '../../admin/queue-browser.js';
import { readShardOwnership } from '../../admin/shard-ownership.js';
import type { EngineContext } from '../../context.js';
import { type App, authErrors, bearerSecurity } from '../app.js';
import { principalOf } from '../auth.js';

const admin = ['admin'] as const;

/**
 * Queues and workers for the console, whatever queues the engine runs (found in Redis through BullMQ):
 * depths, worker liveness, failed jobs paged and searchable by account, retry and discard. Every
 * retry and discard is written to the admin audit log (Postgres, admin_audit) with the key that did it.
 */
export function adminJobRoutes(ctx: EngineContext) {
  return (app: App) => {
    const browser = createQueueBrowser(ctx.redis, ctx.settings.queuePrefix, ctx.now);
    const audit = ctx.store.adminAudit;
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
      '/admin/shards',
      {
        config: { roles: admin },
        schema: schema('Shard ownership: owner and lease expiry per shard, event streams, live workers', {
          response: { 200: shardOwnershipDto, ...authErrors },
        }),
      },
      async () => readShardOwnership(ctx.redis, ctx.keys, ctx.settings.shards, ctx.now),
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
        });
        return { ok: true as const };
      },
    );
    app.get(
      '/admin/audit',
      {
        config: { roles: admin },
        schema: schema(
          'Operator actions (jobs, stress runs), latest first, paged (parameter changes: /admin/params/audit)',
          {
            querystring: adminAuditQuery,
            response: { 200: adminAuditDto, ...authErrors },
          },
        ),
      },
      async (request) => {
        const { limit, before, action } = request.query;
        const list = await audit.list({
          limit,
          ...(before === undefined ? {} : { before: BigInt(before) }),
          ...(action === undefined ? {} : { actionPrefix: action }),
        });
        return {
          entries: list.map((e) => ({
            id: String(e.id),
            at: e.at.getTime(),
            actor: e.actor,
            action: e.action,
            target: e.target,
            detail: e.detail,
          })),
          next: list.length === limit ? String(list.at(-1)!.id) : null,
        };
      },
    );
  };
}
