import { accountId } from '@xmargin/core';
import {
  accountParams,
  errorBody,
  explainDto,
  historyQuery,
  marginHistoryDto,
  marginSnapshotDto,
  whatIfBody,
  whatIfDto,
} from '@xmargin/schemas/http';
import type { EngineContext } from '../../context.js';
import { explainMargin } from '../../margin/explain.js';
import { marginOnDemand } from '../../margin/margin-on-demand.js';
import type { MarginSummary } from '../../margin/snapshot.js';
import { whatIf } from '../../margin/what-if.js';
import { scopeExplain } from '../../positions/scope-explain.js';
import { type App, authErrors, bearerSecurity } from '../app.js';
import { principalOf } from '../auth.js';

const readers = ['protocol', 'relayer', 'admin'] as const;

export function marginRoutes(ctx: EngineContext) {
  return (app: App) => {
    app.get(
      '/accounts/:accountId/margin',
      {
        config: { roles: readers },
        schema: {
          tags: ['margin'],
          summary: 'Latest margin snapshot, with its age and the data freshness per chain',
          security: bearerSecurity,
          params: accountParams,
          response: { 200: marginSnapshotDto, 404: errorBody, ...authErrors },
        },
      },
      async (request, reply) => {
        const id = accountId(request.params.accountId);
        const s = (await ctx.marginCache.getView(id)) ?? (await marginOnDemand(ctx, id));
        const nowMs = ctx.now();
        const now = Math.floor(nowMs / 1000);
        const body = {
          accountId: s.accountId,
          computedAt: s.computedAt,
          ageSeconds: Math.max(0, (nowMs - s.computedAt) / 1000),
          asOf: s.asOf,
          inputHash: s.inputHash,
          paramsVersion: s.paramsVersion,
          status: s.status,
          ...(s.stale ? { stale: s.stale } : {}),
          summary: s.summary,
          freshness: s.freshness.map((f) => ({ ...f, ageSeconds: now - f.oldestObservedAt })),
          warnings: [...s.warnings],
        };
        // The hot read path: the view was validated when the worker wrote it, so the body is sent as
        // JSON text and skips the response schema's re-validation (the schema still documents it).
        return reply.type('application/json; charset=utf-8').send(JSON.stringify(body) as never);
      },
    );

    app.get(
      '/accounts/:accountId/margin/history',
      {
        config: { roles: readers },
        schema: {
          tags: ['margin'],
          summary: 'Snapshot history (Postgres), latest first',
          security: bearerSecurity,
          params: accountParams,
          querystring: historyQuery,
          response: { 200: marginHistoryDto, 404: errorBody, ...authErrors },
        },
      },
      async (request) => {
        const id = accountId(request.params.accountId);
        await ctx.store.accounts.require(id);
        const { limit, before } = request.query;
        const rows = await ctx.store.snapshots.history<{ summary: MarginSummary }>(id, {
          limit,
          ...(before === undefined ? {} : { before: new Date(before) }),
        });
        return {
          accountId: id,
          snapshots: rows.map((r) => ({
            computedAt: r.computedAt.getTime(),
            inputHash: r.inputHash,
            paramsVersion: r.paramsVersion,
            summary: r.result.summary,
          })),
        };
      },
    );

    app.post(
      '/accounts/:accountId/margin/what-if',
      {
        config: { roles: ['protocol', 'admin'] },
        schema: {
          tags: ['margin'],
          summary: 'Margin of the stored account plus proposed changes (synchronous, stores nothing)',
          security: bearerSecurity,
          params: accountParams,
          body: whatIfBody,
          response: { 200: whatIfDto, 404: errorBody, 422: errorBody, ...authErrors },
        },
      },
      async (request) => {
        const p = principalOf(request);
        const protocol = p.role === 'protocol' && p.scope ? p.scope : 'admin';
        return whatIf(ctx, accountId(request.params.accountId), protocol, request.body);
      },
    );

    app.get(
      '/accounts/:accountId/margin/explain',
      {
        config: { roles: readers },
        schema: {
          tags: ['margin'],
          summary: 'Per-position and per-chain contributions, worst scenario, attestation ages',
          security: bearerSecurity,
          params: accountParams,
          response: { 200: explainDto, 404: errorBody, 422: errorBody, ...authErrors },
        },
      },
      async (request) =>
        scopeExplain(await explainMargin(ctx, accountId(request.params.accountId)), principalOf(request)),
    );
  };
}
