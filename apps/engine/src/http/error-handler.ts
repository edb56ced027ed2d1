import { AppError, formatIssuePath, isAppError } from '@xmargin/errors';
import type { FastifyError, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isRedisUnavailable } from '../redis/is-redis-unavailable.js';
import type { App } from './app.js';
import type { Metrics } from './metrics.js';

function send(reply: FastifyReply, err: AppError): FastifyReply {
  const body: { code: string; message: string; details?: string; context?: object } = {
    code: err.code,
    message: err.shortMessage,
  };
  if (err.details !== undefined) body.details = err.details;
  if (Object.keys(err.context).length > 0) body.context = err.context;
  if (err.code === 'API__UNAVAILABLE') reply.header('retry-after', '1');
  if (err.code === 'API__RATE_LIMITED') {
    reply.header('retry-after', String((err.context as { retryAfterSeconds: number }).retryAfterSeconds));
  }
  return reply.status(err.status).send({ error: body });
}

/** Classifies a thrown value once, at the HTTP boundary, into a registry code. */
export function toAppError(err: unknown, bodyLimit: number): AppError {
  if (isAppError(err)) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const e = err as FastifyError & { validationContext?: string };
    const issues = (e.validation ?? []).map((v) => ({
      path: formatIssuePath(
        String(v.instancePath ?? '')
          .split('/')
          .filter((s) => s.length > 0)
          .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~')),
      ),
      message: String(v.message ?? 'invalid'),
    }));
    return new AppError('API__INVALID_REQUEST', {
      context: { part: e.validationContext ?? 'body', issues },
      shortMessage: `Invalid request ${e.validationContext ?? 'body'}`,
      metaMessages: issues.map((i) => `${i.path}: ${i.message}`),
    });
  }
  const fe = err as Partial<FastifyError>;
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new AppError('API__PAYLOAD_TOO_LARGE', { context: { limit: bodyLimit } });
  }
  if (fe.code === 'FST_ERR_MAX_PARAM_LENGTH' || fe.statusCode === 414) {
    return new AppError('API__URI_TOO_LONG', { context: { limit: 100 }, cause: err });
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own client errors: malformed JSON, wrong content type, empty body.
    return new AppError('API__INVALID_REQUEST', {
      context: { part: 'body', issues: [{ path: '$', message: fe.message ?? 'invalid request' }] },
      shortMessage: fe.message ?? 'Invalid request',
    });
  }
  if (isRedisUnavailable(err)) {
    return new AppError('API__UNAVAILABLE', { context: { dependency: 'redis' }, cause: err });
  }
  return new AppError('API__INTERNAL', { cause: err });
}

export function registerErrorHandling(app: App, opts: { bodyLimit: number; metrics: Metrics }): void {
  app.setErrorHandler((err, request, reply) => {
    const appError = toAppError(err, opts.bodyLimit);
    if (appError.code === 'API__INTERNAL') {
      request.log.error({ err: appError.walk() }, 'unhandled error');
    }
    if (appError.code.startsWith('ATTESTATION__'))
      opts.metrics.verificationFailures.inc({ code: appError.code });
    return send(reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    send(
      reply,
      new AppError('API__NOT_FOUND', {
        context: { method: request.method, url: request.url.split('?')[0] ?? '' },
      }),
    ),
  );
}

export { send as sendAppError };
