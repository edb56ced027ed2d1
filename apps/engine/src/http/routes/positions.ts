import { type AccountId, accountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { Position } from '@xmargin/risk';
import {
  accountParams,
  errorBody,
  positionParams,
  positionsDto,
  upsertPositionsBody,
} from '@xmargin/schemas/http';
import type { FastifyRequest } from 'fastify';
import { requireGrant } from '../../accounts/require-grant.js';
import type { EngineContext } from '../../context.js';
import { checkMarginable } from '../../positions/check-marginable.js';
import { toPositionBody, toRiskPosition } from '../../positions/to-risk-position.js';
import { type App, authErrors, bearerSecurity } from '../app.js';
import { principalOf } from '../auth.js';

/** A protocol key writes only its own protocol's positions: the scope comes from the key, never the body. */
function protocolOf(request: FastifyRequest): string {
  const p = principalOf(request);
  if (p.role !== 'protocol' || !p.scope) {
    throw new AppError('API__FORBIDDEN', {
      context: { role: p.role, required: ['protocol'] },
      shortMessage: 'Only a protocol key with a protocol scope may write positions',
    });
  }
  return p.scope;
}

async function view(ctx: EngineContext, id: AccountId, protocol: string | null, jobId?: string) {
  const records =
    protocol === null
      ? await ctx.store.positions.listByAccount<Position>(id)
      : await ctx.store.positions.listByProtocol<Position>(protocol, id);
  return {
    accountId: id,
    positions: records.map((r) => ({
      protocol: r.protocol,
      position: toPositionBody(r.positionId, r.doc),
      updatedAt: Math.floor(r.updatedAt.getTime() / 1000),
    })),
    ...(jobId === undefined ? {} : { jobId }),
  };
}

export function positionRoutes(ctx: EngineContext) {
  return (app: App) => {
    app.post(
      '/accounts/:accountId/positions',
      {
        config: { roles: ['protocol'] },
        schema: {
          tags: ['positions'],
          summary: "Upsert the caller protocol's positions of an account (replace: true drops unlisted ones)",
          security: bearerSecurity,
          params: accountParams,
          body: upsertPositionsBody,
          response: { 200: positionsDto, 404: errorBody, 422: errorBody, ...authErrors },
        },
      },
      async (request) => {
        const protocol = protocolOf(request);
        const id = accountId(request.params.accountId);
        const requestedAt = ctx.now();
        await ctx.store.accounts.require(id);
        await requireGrant(ctx.store.grants, id, protocol);
        checkMarginable(request.body.positions, (await ctx.globalInputs.get()).market.markets);
        const inputs = request.body.positions.map((b) => {
          const { id: positionId, position } = toRiskPosition(b);
          return { positionId, underlying: position.underlying, doc: position };
        });
        if (request.body.replace) {
          await ctx.store.positions.replace({ protocol, account: id, positions: inputs });
        } else {
          await ctx.store.transaction(async (tx) => {
            for (const position of inputs) await tx.positions.upsert({ protocol, account: id, position });
          });
        }
        const [jobId = ''] = await ctx.shardEvents.accountsChanged([id], requestedAt);
        return view(ctx, id, protocol, jobId);
      },
    );

    app.get(
      '/accounts/:accountId/positions',
      {
        config: { roles: ['protocol', 'admin'] },
        schema: {
          tags: ['positions'],
          summary: "List positions (a protocol key sees its own protocol's; admin sees all)",
          security: bearerSecurity,
          params: accountParams,
          response: { 200: positionsDto, 404: errorBody, ...authErrors },
        },
      },
      async (request) => {
        const id = accountId(request.params.accountId);
        await ctx.store.accounts.require(id);
        const p = principalOf(request);
        return view(ctx, id, p.role === 'admin' || p.role === 'operator' ? null : protocolOf(request));
      },
    );

    app.delete(
      '/accounts/:accountId/positions/:positionId',
      {
        config: { roles: ['protocol'] },
        schema: {
          tags: ['positions'],
          summary: "Remove one of the caller protocol's positions",
          security: bearerSecurity,
          params: positionParams,
          response: { 200: positionsDto, 404: errorBody, ...authErrors },
        },
      },
      async (request) => {
        const protocol = protocolOf(request);
        const id = accountId(request.params.accountId);
        const requestedAt = ctx.now();
        // No grant needed: a protocol may always withdraw its own report (a revoked one too).
        const removed = await ctx.store.positions.remove({
          protocol,
          account: id,
          positionId: request.params.positionId,
        });
        if (!removed) {
          throw new AppError('LEDGER__NOT_FOUND', {
            context: { entity: 'position', id: `${id}/${protocol}/${request.params.positionId}` },
          });
        }
        const [jobId = ''] = await ctx.shardEvents.accountsChanged([id], requestedAt);
        return view(ctx, id, protocol, jobId);
      },
    );
  };
}
