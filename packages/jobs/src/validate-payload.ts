import { AppError, formatIssuePath } from '@xmargin/errors';
import { type PayloadOf, payloadSchemas, type QueueName } from './queue-names.js';

/** Parses a job payload; an invalid one is a QUEUE__INVALID_PAYLOAD naming every failed path. */
export function validatePayload<Q extends QueueName>(queue: Q, data: unknown): PayloadOf<Q> {
  const result = payloadSchemas[queue].safeParse(data);
  if (result.success) return result.data as PayloadOf<Q>;
  const issues = result.error.issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
  throw new AppError('QUEUE__INVALID_PAYLOAD', {
    context: { queue, issues },
    shortMessage: `Invalid ${queue} payload`,
    metaMessages: issues,
  });
}
