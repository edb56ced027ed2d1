import {
  attestationAcceptedDto,
  errorBody,
  postPythBody,
  postQueryBody,
  postVaaBody,
  reverifyRequestsDto,
  reverifyRequestsQuery,
} from '@xmargin/schemas/http';
import { applyPyth } from '../../attestations/apply-pyth.js';
import { applyQuery } from '../../attestations/apply-query.js';
import { applyVaa } from '../../attestations/apply-vaa.js';
import type { EngineContext } from '../../context.js';
import { readReverifyRequests } from '../../workers/reverify-expiring.js';
import { type App, authErrors, bearerSecurity } from '../app.js';

const posters = ['relayer', 'admin'] as const;
const responses = {
  200: attestationAcceptedDto,
  202: attestationAcceptedDto,
  409: errorBody,
  422: errorBody,
  ...authErrors,
};

export function attestationRoutes(ctx: EngineContext) {
  return (app: App) => {
    app.post(
      '/attestations/vaa',
      {
        config: { roles: posters },
        schema: {
          tags: ['attestations'],
          summary:
            'Post a collateral VAA: verified, applied, recompute enqueued (202); a replay is a 200 no-op',
          security: bearerSecurity,
          body: postVaaBody,
          response: responses,
        },
      },
      async (request, reply) => {
        const outcome = await applyVaa(ctx, request.body.vaa);
        return reply.status(outcome.status === 'accepted' ? 202 : 200).send(outcome);
      },
    );

    app.post(
      '/attestations/query',
      {
        config: { roles: posters },
        schema: {
          tags: ['attestations'],
          summary: 'Post a Wormhole Queries balance proof (wallet or SPL token account of a linked address)',
          security: bearerSecurity,
          body: postQueryBody,
          response: responses,
        },
      },
      async (request, reply) => {
        const outcome = await applyQuery(ctx, request.body);
        return reply.status(outcome.status === 'accepted' ? 202 : 200).send(outcome);
      },
    );

    app.post(
      '/attestations/pyth',
      {
        config: { roles: [...posters, 'oracle'] },
        schema: {
          tags: ['attestations'],
          summary: 'Post a Pyth accumulator update: verified prices of registered feeds move their markets',
          security: bearerSecurity,
          body: postPythBody,
          response: responses,
        },
      },
      async (request, reply) => {
        const outcome = await applyPyth(ctx, request.body.update);
        return reply.status(outcome.status === 'accepted' ? 202 : 200).send(outcome);
      },
    );

    app.get(
      '/attestations/reverify-requests',
      {
        config: { roles: posters },
        schema: {
          tags: ['attestations'],
          summary:
            'Attested balances about to expire (published by reverify-expiring), oldest first: poll from `next`',
          security: bearerSecurity,
          querystring: reverifyRequestsQuery,
          response: { 200: reverifyRequestsDto, ...authErrors },
        },
      },
      async (request) =>
        readReverifyRequests(ctx.redis, ctx.keys.reverifyRequests, request.query.after, request.query.limit),
    );
  };
}
