import { AppError, formatIssuePath } from '@xmargin/errors';
import { type EngineEnv, engineEnv } from '@xmargin/schemas/env';

/**
 * The only place in the engine that reads process.env. Tests and the bench pass their own record
 * instead of mutating the process environment.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env): EngineEnv {
  const result = engineEnv.safeParse(source);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message }));
  throw new AppError('CONFIG__INVALID', {
    context: { issues },
    shortMessage: 'Invalid engine environment',
    metaMessages: issues.map((i) => `${i.path}: ${i.message}`),
  });
}
