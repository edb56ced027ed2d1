import { AppError, formatIssuePath } from '@xmargin/errors';
import type { z } from 'zod';
import type { HttpResponse } from './http-transport.js';

/**
 * Validates a 2xx body against its DTO schema: a server that drifted from `@xmargin/schemas/http`
 * fails loudly here instead of handing callers a value of the wrong shape.
 */
export function parseResponse<S extends z.ZodType>(
  schema: S,
  res: HttpResponse,
  where: { method: string; url: string },
): z.output<S> {
  const parsed = schema.safeParse(res.body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const reason = issue ? `${formatIssuePath(issue.path)}: ${issue.message}` : 'schema mismatch';
  throw new AppError('CLIENT__INVALID_RESPONSE', {
    context: { method: where.method, url: where.url, status: res.status, reason },
    cause: parsed.error,
  });
}
