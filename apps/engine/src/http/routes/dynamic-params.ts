import { AppError, formatIssuePath } from '@xmargin/errors';
import { type ParamsSpec, resolveParams, volatilityOf } from '@xmargin/risk';
import { dynamicAssetBody, dynamicParamsDto, dynamicPolicyBody, okBody } from '@xmargin/schemas/http';
import { paramsSpecSchema } from '@xmargin/schemas/risk';
import type { JsonValue, Store } from '@xmargin/store';
import { z } from 'zod';
import { type App, authErrors, bearerSecurity } from '../app.js';

const admin = ['admin'] as const;
const tags = ['admin'];

/**
 * Operator routes of the volatility scaler (dynamic parameters): its policy (half-life, step bounds,
 * the base parameters it scales) and each enrolled asset's mode (auto, pinned, disabled) and bounds.
 */
export function dynamicParamsRoutes(store: Pick<Store, 'dynamicParams'>) {
  return (app: App) => {
    app.get(
      '/admin/dynamic-params',
      {
        config: { roles: admin },
        schema: {
          tags,
          summary: 'Scaler policy and enrolled assets with volatility and scale',
          security: bearerSecurity,
          response: { 200: dynamicParamsDto, ...authErrors },
        },
      },
      async () => {
        const policy = await store.dynamicParams.getPolicy();
        const assets = await store.dynamicParams.listAssets();
        return {
          policy: policy && { ...policy, baseParams: policy.baseParams as Record<string, unknown> },
          assets: assets.map((a) => ({
            asset: a.asset,
            mode: a.mode,
            referenceVol: a.referenceVol,
            floor: a.floor,
            cap: a.cap,
            pinnedScale: a.pinnedScale,
            volatility: volatilityOf(a.variance === null ? null : { price: 0, at: 0, variance: a.variance }),
            scale: a.scale,
            scaleChangedAt: a.scaleChangedAt === null ? null : Math.floor(a.scaleChangedAt.getTime() / 1000),
          })),
        };
      },
    );
    app.put(
      '/admin/dynamic-params/policy',
      {
        config: { roles: admin },
        schema: {
          tags,
          summary: 'Set the scaler policy',
          security: bearerSecurity,
          body: dynamicPolicyBody,
          response: { 200: okBody, ...authErrors },
        },
      },
      async (request) => {
        const r = paramsSpecSchema.safeParse(request.body.baseParams);
        if (!r.success) {
          throw new AppError('API__INVALID_REQUEST', {
            context: {
              part: 'body',
              issues: r.error.issues.map((i) => ({
                path: formatIssuePath(['baseParams', ...i.path]),
                message: i.message,
              })),
            },
            shortMessage: 'Invalid base parameters',
          });
        }
        resolveParams(r.data as ParamsSpec);
        await store.dynamicParams.setPolicy({
          ...request.body,
          baseParams: request.body.baseParams as JsonValue,
        });
        return { ok: true as const };
      },
    );
    app.put(
      '/admin/dynamic-params/assets/:asset',
      {
        config: { roles: admin },
        schema: {
          tags,
          summary: 'Enrol an asset, or pin / disable it',
          security: bearerSecurity,
          params: z.object({ asset: z.string().min(1) }),
          body: dynamicAssetBody,
          response: { 200: okBody, ...authErrors },
        },
      },
      async (request) => {
        await store.dynamicParams.configureAsset({
          asset: request.params.asset,
          ...request.body,
          pinnedScale: request.body.pinnedScale ?? null,
        });
        return { ok: true as const };
      },
    );
  };
}
