import { AppError, formatIssuePath } from '@xmargin/errors';
import type { RiskParamVersion } from '@xmargin/store';
import type { z } from 'zod';

/** A parameter version (risk or liquidation) as the admin routes answer it: times in unix seconds. */
export const paramVersionView = (v: RiskParamVersion) => ({
  version: v.version,
  status: v.status,
  params: v.params,
  note: v.note,
  reason: v.reason,
  createdBy: v.createdBy,
  createdAt: Math.floor(v.createdAt.getTime() / 1000),
  activatedBy: v.activatedBy,
  activatedAt: v.activatedAt === null ? null : Math.floor(v.activatedAt.getTime() / 1000),
});

/**
 * A proposed parameter document checked with its schema (API__INVALID_REQUEST with `$.params…` paths),
 * then resolved by `resolve` so an unknown preset or an inconsistent value fails before it is stored.
 */
export function checkParamsBody<S extends z.ZodType>(
  schema: S,
  value: unknown,
  label: string,
  resolve: (spec: z.infer<S>) => unknown,
): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) {
    const issues = r.error.issues.map((i) => ({
      path: formatIssuePath(['params', ...i.path]),
      message: i.message,
    }));
    throw new AppError('API__INVALID_REQUEST', { context: { part: 'body', issues }, shortMessage: label });
  }
  resolve(r.data);
  return r.data;
}
