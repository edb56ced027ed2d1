import { AppError } from '@xmargin/errors';
import type { Market, PriceQuote } from '@xmargin/risk';
import { errorBody, marketDataBody, marketDataDto, marketDataWriteDto } from '@xmargin/schemas/http';
import type { EngineContext } from '../../context.js';
import { pricePoints, recordPrices, rescaleParams } from '../../dynamic/rescale-params.js';
import { checkObservationTime } from '../../time/check-observation-time.js';
import { type App, authErrors, bearerSecurity } from '../app.js';
import { principalOf } from '../auth.js';

export function marketDataRoutes(ctx: EngineContext) {
  return (app: App) => {
    app.put(
      '/market-data',
      {
        config: { roles: ['oracle', 'admin'] },
        schema: {
          tags: ['market data'],
          summary: 'Write prices, forwards, vol points and rates (with confidences); moves fan out',
          security: bearerSecurity,
          body: marketDataBody,
          response: { 200: marketDataWriteDto, 409: errorBody, 422: errorBody, ...authErrors },
        },
      },
      async (request) => {
        const requestedAt = ctx.now();
        const { stable, prices = {}, markets = {}, observedAt } = request.body;
        const source = principalOf(request).name;
        const nowSeconds = Math.floor(requestedAt / 1000);
        if (observedAt !== undefined)
          checkObservationTime(observedAt, nowSeconds, ctx.settings.marketDataMaxAgeSeconds);
        const at = observedAt ?? nowSeconds;
        const writes: { kind: 'stable' | 'price' | 'market'; key: string; doc: unknown; move: string }[] = [
          ...(stable ? [{ kind: 'stable' as const, key: 'stable', doc: stable, move: 'STABLE' }] : []),
          ...Object.entries(prices).map(([k, doc]) => ({ kind: 'price' as const, key: k, doc, move: k })),
          ...Object.entries(markets).map(([k, doc]) => ({ kind: 'market' as const, key: k, doc, move: k })),
        ];
        if (writes.length === 0) {
          throw new AppError('API__INVALID_REQUEST', {
            context: { part: 'body', issues: [{ path: '$', message: 'nothing to write' }] },
            shortMessage: 'Market data body lists nothing to write',
          });
        }
        const updated: string[] = [];
        await ctx.store.transaction(async (tx) => {
          for (const w of writes) {
            const r = await tx.marketData.put({
              kind: w.kind,
              key: w.key,
              doc: w.doc,
              observedAt: at,
              source,
            });
            if (r.applied) updated.push(w.move);
          }
          await recordPrices(tx.dynamicParams, pricePoints(prices, markets, at));
        });
        // The volatility scaler (dynamic parameters) may record a new version with reason auto.
        const auto = await ctx.store.transaction((tx) => rescaleParams(tx, new Date(requestedAt)));
        if (updated.length > 0 || auto) await ctx.globalInputs.bump();
        // One event per shard, whatever the number of keys: each owner re-reads the market data (and
        // the active parameters) once.
        const eventId = updated.length > 0 || auto ? await ctx.shardEvents.marketChanged(requestedAt) : '';
        if (auto) await ctx.shardEvents.paramsChanged(requestedAt);
        const moves = [...new Set(updated)].map((key) => ({ key, jobId: eventId }));
        return { updated, moves };
      },
    );

    app.get(
      '/market-data',
      {
        config: { roles: ['protocol', 'relayer', 'oracle', 'admin'] },
        schema: {
          tags: ['market data'],
          summary: 'Current market data as the risk document uses it',
          security: bearerSecurity,
          response: { 200: marketDataDto, ...authErrors },
        },
      },
      async () => {
        const snap = await ctx.store.marketData.snapshot<Market, PriceQuote>();
        return {
          stable: (snap.stable ?? null) as never,
          prices: snap.prices as never,
          markets: snap.markets as never,
        };
      },
    );
  };
}
