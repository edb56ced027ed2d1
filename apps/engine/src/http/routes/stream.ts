import { accountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import { accountIdString, errorBody, streamId } from '@xmargin/schemas/http';
import { z } from 'zod';
import type { EngineContext } from '../../context.js';
import { thresholdCrossings } from '../../margin/thresholds.js';
import type { MarginEvent, MarginEventHub } from '../../stream/margin-events.js';
import { type App, authErrors, bearerSecurity } from '../app.js';
import { principalOf } from '../auth.js';
import { lastEventIdOf, serveEventStream } from '../sse.js';

const streamQuery = z.object({
  /** One account; omitted = the whole book (admin only). */
  accountId: accountIdString.optional(),
  /** Extra excess levels for this subscriber, e.g. "500,1000" (the configured ones always apply). */
  thresholds: z
    .string()
    .max(1_000)
    .regex(/^-?\d+(\.\d+)?(,-?\d+(\.\d+)?)*$/, 'expected comma-separated numbers')
    .optional(),
  /** Replay from this event id (for clients that cannot send the `Last-Event-ID` header). */
  lastEventId: streamId.optional(),
});

/**
 * Server-Sent Events of margin updates. Events: `snapshot` (the current margin on connect, for one
 * account), `margin` (every recompute), `threshold` (maintenance or initial excess crossed 0, a
 * configured level, or one of the subscriber's levels), `missed` (the events after `Last-Event-ID` are
 * no longer kept). Each carries `id:`, its margin event log id: reconnecting with `Last-Event-ID`
 * replays what came after it (see sse.ts).
 */
export function streamRoutes(ctx: EngineContext, hub: MarginEventHub) {
  return (app: App) => {
    // Open streams never end by themselves: end them when the server shuts down so close() completes.
    const open = new Set<() => void>();
    // Streams each key holds open on this process (MAX_STREAMS_PER_KEY).
    const perKey = new Map<string, number>();
    app.addHook('preClose', async () => {
      for (const end of open) end();
    });
    app.get(
      '/stream/margin',
      {
        config: { roles: ['protocol', 'relayer', 'admin'] },
        schema: {
          tags: ['stream'],
          summary: 'Server-Sent Events of margin updates and threshold crossings',
          security: bearerSecurity,
          querystring: streamQuery,
          response: { 200: z.string().describe('text/event-stream'), 404: errorBody, ...authErrors },
        },
      },
      async (request, reply) => {
        const p = principalOf(request);
        const account =
          request.query.accountId === undefined ? undefined : accountId(request.query.accountId);
        if (account === undefined && p.role !== 'admin' && p.role !== 'operator') {
          throw new AppError('API__FORBIDDEN', {
            context: { role: p.role, required: ['admin'] },
            shortMessage: 'Only admin keys may stream the whole book; pass accountId',
          });
        }
        if (account !== undefined) await ctx.store.accounts.require(account);
        const held = perKey.get(p.keyId) ?? 0;
        if (held >= ctx.settings.maxStreamsPerKey) {
          throw new AppError('API__QUOTA_EXCEEDED', {
            context: { resource: 'streams', limit: ctx.settings.maxStreamsPerKey },
            shortMessage: `This API key already holds ${held} open margin streams (MAX_STREAMS_PER_KEY)`,
          });
        }
        perKey.set(p.keyId, held + 1);
        let released = false;
        // Released when the response closes, however the request ends (also if it fails before streaming).
        reply.raw.on('close', () => {
          if (released) return;
          released = true;
          const n = (perKey.get(p.keyId) ?? 1) - 1;
          if (n > 0) perKey.set(p.keyId, n);
          else perKey.delete(p.keyId);
        });
        const configured = new Set(ctx.settings.thresholds);
        const own = (request.query.thresholds?.split(',').map(Number) ?? []).filter(
          (x) => !configured.has(x),
        );

        reply.hijack();
        await serveEventStream<MarginEvent>({
          request,
          res: reply.raw,
          redis: ctx.redis,
          key: ctx.keys.marginEvents,
          hub,
          lastEventId: lastEventIdOf(request, request.query.lastEventId),
          open,
          accept: (e) => account === undefined || e.accountId === account,
          opening: async (send) => {
            if (account === undefined) return;
            const current = await ctx.marginCache.getView(account);
            if (current?.summary)
              send('snapshot', {
                accountId: account,
                computedAt: current.computedAt,
                summary: current.summary,
              });
          },
          // A subscriber's own levels are tested on the margin event: their crossings share its id.
          write: ({ event: e }, send) => {
            send(e.type, e);
            if (e.type === 'margin' && own.length > 0) {
              for (const crossing of thresholdCrossings(e.previous, e.summary, own)) {
                send('threshold', { ...e, type: 'threshold', crossing });
              }
            }
          },
        });
      },
    );
  };
}
