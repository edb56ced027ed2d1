import { AppError } from '@xmargin/errors';
import { type ParamsSpec, resolveParams, type StressResult } from '@xmargin/risk';
import {
  errorBody,
  stressRunParams as idParams,
  stressRunsQuery as listQuery,
  stressRoundsDto,
  stressRoundsQuery,
  stressRunDto,
  stressRunListDto,
  stressRunQueuedDto,
} from '@xmargin/schemas/http';
import { stressRunRequestSchema } from '@xmargin/schemas/risk';
import type { StressRunRecord } from '@xmargin/store';
import { z } from 'zod';
import type { EngineContext } from '../../context.js';
import { createStressQueue } from '../../stress/stress-queue.js';
import { stressRunRounds } from '../../stress/stress-run-view.js';
import { type App, authErrors, bearerSecurity } from '../app.js';
import { principalOf } from '../auth.js';

const admin = ['admin'] as const;
function invalid(path: string, message: string): AppError<'API__INVALID_REQUEST'> {
  return new AppError('API__INVALID_REQUEST', {
    context: { part: 'body', issues: [{ path, message }] },
    shortMessage: `Invalid request body: ${path}: ${message}`,
  });
}

function view(r: StressRunRecord) {
  return {
    id: r.id,
    label: r.label,
    status: r.status,
    progress: r.progress as { mode: string; round: number } | null,
    snapshot: r.snapshot as { asOf: number; paramsVersion: number | null; accountCount: number } | null,
    warnings: (r.warnings ?? []) as unknown[],
    createdBy: r.createdBy,
    createdAt: Math.floor(r.createdAt.getTime() / 1000),
    ...(r.error === null ? {} : { error: r.error as { code: string; message: string } }),
  };
}

/**
 * Systemic stress runs on the live book (contagion spec section 7), admin role: queue a run, follow
 * its progress, read its result and the exact document it ran on.
 */
export function stressRunRoutes(ctx: EngineContext) {
  return (app: App) => {
    const queue = createStressQueue(ctx.redis, ctx.settings.queuePrefix);
    app.addHook('onClose', async () => queue.close());
    const schema = <S extends object>(summary: string, extra: S) => ({
      tags: ['admin'],
      summary,
      security: bearerSecurity,
      ...extra,
    });

    app.post(
      '/admin/stress-runs',
      {
        config: { roles: admin },
        schema: schema('Queue a systemic stress run on a consistent snapshot of the live book (audited)', {
          body: stressRunRequestSchema,
          response: {
            202: stressRunQueuedDto,
            404: errorBody,
            ...authErrors,
          },
        }),
      },
      async (request, reply) => {
        const body = request.body;
        if (typeof body.params === 'number') {
          if (!(await ctx.store.riskParams.get(body.params))) {
            throw invalid('$.params', `no parameter version ${body.params}`);
          }
        } else if (body.params !== undefined && body.params !== 'active') {
          try {
            resolveParams(body.params as ParamsSpec);
          } catch (err) {
            throw invalid('$.params', err instanceof AppError ? err.shortMessage : String(err));
          }
        }
        if (body.accounts) {
          const existing = await ctx.store.accounts.existing(body.accounts as never);
          const i = body.accounts.findIndex((id) => !existing.has(id as never));
          if (i >= 0) throw invalid(`$.accounts[${i}]`, `unknown account ${body.accounts[i]}`);
        }
        const actor = principalOf(request).name;
        // The run and its audit entry commit together: no run without the record of who started it.
        const run = await ctx.store.transaction(async (tx) => {
          const created = await tx.stressRuns.create({
            label: body.label ?? null,
            request: body,
            createdBy: actor,
          });
          await tx.adminAudit.record({
            actor,
            action: 'stress.start',
            target: created.id,
            detail: body.label ?? '',
          });
          return created;
        });
        await queue.enqueue(run.id);
        return reply.status(202).send({ id: run.id, status: 'queued' as const });
      },
    );

    app.get(
      '/admin/stress-runs',
      {
        config: { roles: admin },
        schema: schema('Stress runs, newest first, with a summary per mode', {
          querystring: listQuery,
          response: {
            200: stressRunListDto,
            ...authErrors,
          },
        }),
      },
      async (request) => {
        const limit = request.query.limit ?? 20;
        const runs = await ctx.store.stressRuns.list({
          limit: limit + 1,
          ...(request.query.before === undefined ? {} : { before: request.query.before }),
        });
        const page = runs.slice(0, limit);
        return {
          runs: page.map((r) => ({
            ...view(r),
            ...(r.summary === null ? {} : { summary: r.summary as Record<string, unknown> }),
          })),
          next: runs.length > limit ? page.at(-1)!.id : null,
        };
      },
    );

    app.get(
      '/admin/stress-runs/:id',
      {
        config: { roles: admin },
        schema: schema('One stress run: status, progress, snapshot, result or error', {
          params: idParams,
          response: {
            200: stressRunDto,
            404: errorBody,
            ...authErrors,
          },
        }),
      },
      async (request) => {
        const r = await ctx.store.stressRuns.get(request.params.id, { full: true });
        if (!r)
          throw new AppError('LEDGER__NOT_FOUND', {
            context: { entity: 'stress_run', id: request.params.id },
          });
        return { ...view(r), ...(r.result == null ? {} : { result: r.result }) };
      },
    );

    app.get(
      '/admin/stress-runs/:id/rounds',
      {
        config: { roles: admin },
        schema: schema(
          'A run for drawing: status, figures per mode and round, liquidations binned on the server',
          {
            params: idParams,
            querystring: stressRoundsQuery,
            response: { 200: stressRoundsDto, 404: errorBody, ...authErrors },
          },
        ),
      },
      async (request) => {
        const r = await ctx.store.stressRuns.get(request.params.id, { full: true });
        if (!r)
          throw new AppError('LEDGER__NOT_FOUND', {
            context: { entity: 'stress_run', id: request.params.id },
          });
        return {
          ...view(r),
          view: r.result == null ? null : stressRunRounds(r.result as unknown as StressResult, request.query),
        };
      },
    );

    app.get(
      '/admin/stress-runs/:id/document',
      {
        config: { roles: admin },
        schema: schema('The exact stress document a run ran on (the CLI on it reproduces the result)', {
          params: idParams,
          response: { 200: z.unknown(), 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const r = await ctx.store.stressRuns.get(request.params.id, { full: true });
        if (!r?.document) {
          throw new AppError('LEDGER__NOT_FOUND', {
            context: { entity: 'stress_run_document', id: request.params.id },
          });
        }
        return r.document;
      },
    );
  };
}
