import { code } from '../spec.js';

/** BullMQ queues and workers (packages/jobs). */
export const queueCodes = {
  QUEUE__INVALID_PAYLOAD: code<{ queue: string; issues: readonly string[] }>(
    400,
    'Job payload failed validation',
  ),
  QUEUE__UNAVAILABLE: code<{ reason: string }>(503, 'Redis is unavailable'),
  QUEUE__JOB_NOT_FOUND: code<{ queue: string; jobId: string }>(404, 'Job not found'),
} as const;
