import { z } from 'zod';

/** `:id` of a stress run. */
export const stressRunParams = z.object({ id: z.string().min(1).max(200) });

/** `GET /v1/admin/stress-runs?limit=&before=`: newest first; `before` = the previous page's `next`. */
export const stressRunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  before: z.string().min(1).max(200).optional(),
});

/** A stress run's state (without its result). */
export const stressRunView = z.object({
  id: z.string(),
  label: z.string().nullable(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  progress: z.object({ mode: z.string(), round: z.number() }).nullable(),
  snapshot: z
    .object({ asOf: z.number(), paramsVersion: z.number().nullable(), accountCount: z.number() })
    .nullable(),
  warnings: z.array(z.unknown()),
  createdBy: z.string(),
  createdAt: z.number(),
  error: z.object({ code: z.string(), message: z.string() }).passthrough().optional(),
});

/** `POST /v1/admin/stress-runs` (202). */
export const stressRunQueuedDto = z.object({ id: z.string(), status: z.literal('queued') });

/** `GET /v1/admin/stress-runs`: runs with a per-mode summary. */
export const stressRunListDto = z.object({
  runs: z.array(stressRunView.extend({ summary: z.record(z.string(), z.unknown()).optional() })),
  next: z.string().nullable(),
});

/** `GET /v1/admin/stress-runs/:id`: state and, once done, the contagion result. */
export const stressRunDto = stressRunView.extend({ result: z.unknown().optional() });
