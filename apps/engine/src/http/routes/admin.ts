import { randomBytes } from 'node:crypto';
import {
  applyGuardianSetUpgrade,
  decodeBinaryInput,
  trustStoreFromJson,
  trustStoreToJson,
} from '@xmargin/attestation';
import { AppError } from '@xmargin/errors';
import type { QueueAdmin } from '@xmargin/jobs';
import { type ParamsSpec, resolveParams } from '@xmargin/risk';
import {
  apiKeyDto,
  apiKeyListDto,
  attestationRegistryBody,
  createApiKeyBody,
  diffQuery,
  errorBody,
  failedJobsDto,
  guardianUpgradeBody,
  jobParams,
  okBody,
  paramsAuditDto,
  paramsDiffDto,
  paramsVersionDto,
  paramsVersionListDto,
  proposeParamsBody,
  queueParams,
  queueStatsDto,
  trustAuditDto,
  trustStoreBody,
  versionParams,
} from '@xmargin/schemas/http';
import { paramsSpecSchema } from '@xmargin/schemas/risk';
import { hashApiKey } from '@xmargin/store';
import { z } from 'zod';
import { diffJson } from '../../admin/diff-json.js';
import { recomputeAll } from '../../admin/recompute-all.js';
import type { EngineContext } from '../../context.js';
import { type App, authErrors, bearerSecurity } from '../app.js';
import { principalOf } from '../auth.js';
import { checkParamsBody, paramVersionView } from '../param-versions.js';

const admin = ['admin'] as const;

const checkParams = (value: unknown): ParamsSpec =>
  checkParamsBody(paramsSpecSchema, value, 'Invalid risk parameters', (spec) =>
    resolveParams(spec as ParamsSpec),
  ) as ParamsSpec;

export function adminRoutes(ctx: EngineContext, queueAdmin: QueueAdmin) {
  return (app: App) => {
    const schema = <S extends object>(summary: string, extra: S) => ({
      tags: ['admin'],
      summary,
      security: bearerSecurity,
      ...extra,
    });

    // --- API keys -------------------------------------------------------------------------------
    app.post(
      '/admin/api-keys',
      {
        config: { roles: admin },
        schema: schema('Create an API key (the secret is returned once)', {
          body: createApiKeyBody,
          response: { 201: apiKeyDto, ...authErrors },
        }),
      },
      async (request, reply) => {
        const secret = `xm_${request.body.role}_${randomBytes(24).toString('hex')}`;
        const key = await ctx.store.apiKeys.create({
          name: request.body.name,
          role: request.body.role,
          scope: request.body.scope ?? null,
          keyHash: hashApiKey(secret),
        });
        return reply
          .status(201)
          .send({ id: key.id, name: key.name, role: request.body.role, scope: key.scope, secret });
      },
    );
    app.get(
      '/admin/api-keys',
      {
        config: { roles: admin },
        schema: schema('List API keys (never their secrets)', {
          response: { 200: apiKeyListDto, ...authErrors },
        }),
      },
      async () => ({
        keys: (await ctx.store.apiKeys.list())
          .filter((k) => k.revokedAt === null)
          .map((k) => ({ id: k.id, name: k.name, role: k.role as 'admin', scope: k.scope })),
      }),
    );
    app.delete(
      '/admin/api-keys/:id',
      {
        config: { roles: admin },
        schema: schema('Revoke an API key', {
          params: z.object({ id: z.string().min(1).max(100) }),
          response: { 200: okBody, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        if (!(await ctx.store.apiKeys.revoke(request.params.id))) {
          throw new AppError('LEDGER__NOT_FOUND', { context: { entity: 'api_key', id: request.params.id } });
        }
        return { ok: true as const };
      },
    );

    // --- Risk parameters --------------------------------------------------------------------------
    app.get(
      '/admin/params',
      {
        config: { roles: admin },
        schema: schema('Risk parameter versions, latest first', {
          response: { 200: paramsVersionListDto, ...authErrors },
        }),
      },
      async () => ({ versions: (await ctx.store.riskParams.list({ limit: 100 })).map(paramVersionView) }),
    );
    app.post(
      '/admin/params',
      {
        config: { roles: admin },
        schema: schema('Propose a parameter version (draft, audited)', {
          body: proposeParamsBody,
          response: { 201: paramsVersionDto, 422: errorBody, ...authErrors },
        }),
      },
      async (request, reply) => {
        const params = checkParams(request.body.params);
        const v = await ctx.store.riskParams.propose({
          params,
          actor: principalOf(request).name,
          ...(request.body.note === undefined ? {} : { note: request.body.note }),
        });
        return reply.status(201).send(paramVersionView(v));
      },
    );
    app.get(
      '/admin/params/:version/diff',
      {
        config: { roles: admin },
        schema: schema('Diff a version against another (default: the active one)', {
          params: versionParams,
          querystring: diffQuery,
          response: { 200: paramsDiffDto, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const to = await ctx.store.riskParams.get(request.params.version);
        if (!to)
          throw new AppError('LEDGER__NOT_FOUND', {
            context: { entity: 'risk_params', id: String(request.params.version) },
          });
        const from =
          request.query.against === undefined
            ? await ctx.store.riskParams.getActive()
            : await ctx.store.riskParams.get(request.query.against);
        if (request.query.against !== undefined && !from) {
          throw new AppError('LEDGER__NOT_FOUND', {
            context: { entity: 'risk_params', id: String(request.query.against) },
          });
        }
        return {
          from: from?.version ?? null,
          to: to.version,
          changes: diffJson(from?.params ?? null, to.params),
        };
      },
    );
    app.post(
      '/admin/params/:version/activate',
      {
        config: { roles: admin },
        schema: schema('Activate a version (audited); every account is recomputed', {
          params: versionParams,
          response: {
            200: paramsVersionDto.extend({ recomputing: z.number() }),
            404: errorBody,
            ...authErrors,
          },
        }),
      },
      async (request) => {
        const v = await ctx.store.riskParams.activate({
          version: request.params.version,
          actor: principalOf(request).name,
        });
        await ctx.globalInputs.bump();
        const recomputing = await recomputeAll(ctx);
        return { ...paramVersionView(v), recomputing };
      },
    );
    app.get(
      '/admin/params/audit',
      {
        config: { roles: admin },
        schema: schema('Parameter audit log, latest first', {
          response: { 200: paramsAuditDto, ...authErrors },
        }),
      },
      async () => ({
        entries: (await ctx.store.riskParams.audit({ limit: 500 })).map((e) => ({
          version: e.version,
          action: e.action,
          actor: e.actor,
          reason: e.reason,
          at: Math.floor(e.at.getTime() / 1000),
          diff: e.diff,
        })),
      }),
    );

    // --- Guardian sets and emitter allow-list -----------------------------------------------------
    app.get(
      '/admin/guardian-sets',
      {
        config: { roles: admin },
        schema: schema('The guardian trust store', {
          response: { 200: trustStoreBody, 404: errorBody, ...authErrors },
        }),
      },
      async () => {
        const store = await ctx.registry.trustStore();
        if (!store)
          throw new AppError('LEDGER__NOT_FOUND', {
            context: { entity: 'trust_store', id: ctx.settings.wormholeNetwork },
          });
        return trustStoreToJson(store) as z.infer<typeof trustStoreBody>;
      },
    );
    app.put(
      '/admin/guardian-sets',
      {
        config: { roles: admin },
        schema: schema('Replace the guardian trust store (bootstrap)', {
          body: trustStoreBody,
          response: { 200: trustStoreBody, ...authErrors },
        }),
      },
      async (request) => {
        const store = trustStoreFromJson(request.body);
        await ctx.registry.setTrustStore(store, { actor: principalOf(request).name, action: 'replace' });
        return trustStoreToJson(store) as z.infer<typeof trustStoreBody>;
      },
    );
    app.post(
      '/admin/guardian-sets/upgrades',
      {
        config: { roles: admin },
        schema: schema('Apply a governance GuardianSetUpgrade VAA signed by the current set', {
          body: guardianUpgradeBody,
          response: { 200: trustStoreBody, 404: errorBody, 422: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const current = await ctx.registry.trustStore();
        if (!current)
          throw new AppError('LEDGER__NOT_FOUND', {
            context: { entity: 'trust_store', id: ctx.settings.wormholeNetwork },
          });
        const next = applyGuardianSetUpgrade(current, decodeBinaryInput(request.body.vaa, 'vaa'), {
          now: Math.floor(ctx.now() / 1000),
        });
        await ctx.registry.setTrustStore(next, {
          actor: principalOf(request).name,
          action: `upgrade to set ${next.current}`,
        });
        return trustStoreToJson(next) as z.infer<typeof trustStoreBody>;
      },
    );
    app.get(
      '/admin/trust-audit',
      {
        config: { roles: admin },
        schema: schema('Audit log of the guardian trust store and the attestation registry, latest first', {
          response: { 200: trustAuditDto, ...authErrors },
        }),
      },
      async () => ({
        entries: (await ctx.store.trustConfig.audit({ limit: 500 })).map((e) => ({
          name: e.name,
          version: e.version,
          action: e.action,
          actor: e.actor,
          at: Math.floor(e.at.getTime() / 1000),
          diff: e.diff,
        })),
      }),
    );
    app.get(
      '/admin/attestation-registry',
      {
        config: { roles: admin },
        schema: schema('Allowed emitters, known tokens and Pyth feeds', {
          response: { 200: attestationRegistryBody, ...authErrors },
        }),
      },
      async () => ctx.registry.registry(),
    );
    app.put(
      '/admin/attestation-registry',
      {
        config: { roles: admin },
        schema: schema('Replace the emitter allow-list, token registry and Pyth feed map', {
          body: attestationRegistryBody,
          response: { 200: attestationRegistryBody, ...authErrors },
        }),
      },
      async (request) => {
        await ctx.registry.setRegistry(request.body, { actor: principalOf(request).name, action: 'replace' });
        return ctx.registry.registry();
      },
    );

    // --- Queues -----------------------------------------------------------------------------------
    app.get(
      '/admin/queues',
      {
        config: { roles: admin },
        schema: schema('Jobs per queue and state', { response: { 200: queueStatsDto, ...authErrors } }),
      },
      async () => ({ queues: await queueAdmin.counts() }),
    );
    app.get(
      '/admin/queues/:queue/failed',
      {
        config: { roles: admin },
        schema: schema('Failed jobs (dead letters)', {
          params: queueParams,
          response: { 200: failedJobsDto, ...authErrors },
        }),
      },
      async (request) => ({ jobs: await queueAdmin.failed(request.params.queue) }),
    );
    app.post(
      '/admin/queues/:queue/failed/:jobId/retry',
      {
        config: { roles: admin },
        schema: schema('Retry a failed job', {
          params: jobParams,
          response: { 200: okBody, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        await queueAdmin.retry(request.params.queue, request.params.jobId);
        return { ok: true as const };
      },
    );
    app.delete(
      '/admin/queues/:queue/failed/:jobId',
      {
        config: { roles: admin },
        schema: schema('Discard a failed job', {
          params: jobParams,
          response: { 200: okBody, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        await queueAdmin.discard(request.params.queue, request.params.jobId);
        return { ok: true as const };
      },
    );
  };
}
