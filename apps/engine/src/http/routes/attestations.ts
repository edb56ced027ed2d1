import { attestationAcceptedDto, errorBody, postVaaBody } from '@xmargin/schemas/http';
import { applyVaa } from '../../attestations/apply-vaa.js';
import type { EngineContext } from '../../context.js';
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
  };
}
