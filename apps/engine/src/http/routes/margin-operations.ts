import { nearLiquidationDto, nearLiquidationQuery, uncomputableAccountsDto } from '@xmargin/schemas/http';
import type { EngineContext } from '../../context.js';
import { type App, authErrors, bearerSecurity } from '../app.js';

/**
 * Operators' view of the book's health: accounts whose margin cannot be computed (flagged so they are
 * looked at, never silently carrying an old margin) and the near-liquidation index.
 */
export function marginOperationsRoutes(ctx: Pick<EngineContext, 'redis' | 'keys'>) {
  return (app: App) => {
    app.get(
      '/admin/margin/uncomputable',
      {
        config: { roles: ['admin'] },
        schema: {
          tags: ['admin'],
          summary: 'Accounts whose margin cannot be computed, with the error code and since when',
          security: bearerSecurity,
          response: { 200: uncomputableAccountsDto, ...authErrors },
        },
      },
      async () => {
        const all = await ctx.redis.hgetall(ctx.keys.uncomputable);
        const accounts = Object.entries(all).flatMap(([accountId, raw]) => {
          const v = JSON.parse(raw) as { code?: unknown; message?: unknown; since?: unknown };
          return typeof v.code === 'string' && typeof v.message === 'string' && typeof v.since === 'number'
            ? [{ accountId, code: v.code, message: v.message, since: v.since }]
            : [];
        });
        return {
          accounts: accounts.sort((a, b) => a.since - b.since || (a.accountId < b.accountId ? -1 : 1)),
        };
      },
    );
    app.get(
      '/admin/margin/near-liquidation',
      {
        config: { roles: ['admin'] },
        schema: {
          tags: ['admin'],
          summary: 'Accounts closest to liquidation first (junk accounts rank last)',
          security: bearerSecurity,
          querystring: nearLiquidationQuery,
          response: { 200: nearLiquidationDto, ...authErrors },
        },
      },
      async (request) => {
        const flat = await ctx.redis.zrange(
          ctx.keys.nearLiquidation,
          0,
          request.query.limit - 1,
          'WITHSCORES',
        );
        const accounts: { accountId: string; priority: number }[] = [];
        for (let i = 0; i + 1 < flat.length; i += 2)
          accounts.push({ accountId: flat[i]!, priority: Number(flat[i + 1]) });
        return { accounts };
      },
    );
  };
}
