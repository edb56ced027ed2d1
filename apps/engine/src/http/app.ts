import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { type Logger, runReadinessProbes } from '@xmargin/ops';
import { errorBody } from '@xmargin/schemas/http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type FindPrincipal, registerAuth } from './auth.js';
import { answerClientError } from './client-error.js';
import { registerErrorHandling, sendAppError, toAppError } from './error-handler.js';
import type { Metrics } from './metrics.js';
import { openApiOperation } from './openapi-operation.js';
import { createRateLimiter } from './rate-limit.js';

/** The engine's Fastify instance: plain HTTP/1.1, zod schemas as the type provider. */
export type App = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface BuildAppParameters {
  readonly findPrincipal: FindPrincipal;
  readonly metrics: Metrics;
  readonly bodyLimit: number;
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /** Failed authentications allowed per client IP (sustained per second, burst). */
  readonly authFailureLimit?: { readonly perSecond: number; readonly burst: number };
  /** Readiness probes by dependency name; each throws when its dependency is unusable. */
  readonly readiness: Readonly<Record<string, () => Promise<void>>>;
  /** Request logs (one line per request and response, with its request id); silent in most tests. */
  readonly logger: Logger;
  /** Registers the /v1 routes (given the typed instance). */
  readonly routes: (app: App) => Promise<void> | void;
}

/** Security scheme shared by every authenticated route in the OpenAPI document. */
export const bearerSecurity = [{ apiKey: [] }];

export async function buildApp(params: BuildAppParameters): Promise<App> {
  const app = Fastify({
    // The process's pino logger (credentials censored there, see @xmargin/ops createLogger).
    loggerInstance: params.logger as FastifyBaseLogger,
    bodyLimit: params.bodyLimit,
    // Request ids correlate a request's log lines: the caller's `x-request-id` when it sends one (up to
    // 128 characters), a random UUID otherwise; answered in the `x-request-id` response header.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && given.length > 0 && given.length <= 128 ? given : randomUUID();
    },
    // Errors Node's HTTP parser raises before Fastify sees a request (headers too large, malformed
    // request line) get the same `{ error: { code } }` envelope as every other error.
    clientErrorHandler: answerClientError,
    // Router-level errors (a path parameter over maxParamLength: 414, a malformed URL) skip the error
    // handler; they get the envelope here.
    frameworkErrors: (error, _request, reply) => sendAppError(reply, toAppError(error, params.bodyLimit)),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  registerErrorHandling(app, { bodyLimit: params.bodyLimit, metrics: params.metrics });
  registerAuth(app, {
    find: params.findPrincipal,
    limiter: createRateLimiter(params.rateLimit.perSecond, params.rateLimit.burst),
    authFailures: createRateLimiter(
      params.authFailureLimit?.perSecond ?? 5,
      params.authFailureLimit?.burst ?? 50,
    ),
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // A graceful close waits for every open connection: a keep-alive one whose request was still running
  // when close began would otherwise stay open until its keep-alive timeout (72 s) had passed.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    params.metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'xmargin engine',
        version: '1.0.0',
        description: 'Cross-chain unified margin: accounts, positions, attestations, margin, admin.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
    },
    // Route schemas become operations (with a stable operationId); the zod schemas registered with an id
    // become components.schemas, which the operations' $refs point into.
    transform: (input) => openApiOperation(jsonSchemaTransform(input), input.route.method),
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/healthz',
    { schema: { tags: ['ops'], response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['ops'],
        response: {
          200: z.object({ status: z.enum(['ready', 'unready']), checks: z.record(z.string(), z.string()) }),
          503: z.object({ status: z.enum(['ready', 'unready']), checks: z.record(z.string(), z.string()) }),
        },
      },
    },
    async (_request, reply) => {
      const { ready, body } = await runReadinessProbes(params.readiness);
      return reply.status(ready ? 200 : 503).send(body);
    },
  );

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const text = await params.metrics.registry.metrics();
    return reply.type(params.metrics.registry.contentType).send(text);
  });

  await app.register(
    async (v1) => {
      await params.routes(v1);
    },
    { prefix: '/v1' },
  );
  return app;
}

/** Standard error responses for an authenticated route's OpenAPI entry. */
export const authErrors = { 400: errorBody, 401: errorBody, 403: errorBody, 429: errorBody } as const;
