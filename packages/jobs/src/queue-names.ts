import { indexChainPayload, reverifyExpiringPayload } from '@xmargin/schemas/jobs';

/**
 * The engine's queues. Names are part of the Redis key space: never rename a released one. Margins are
 * not queued per account: they are applied by the owners of the account shards from per-shard event
 * streams (apps/engine `shards/`).
 */
export const queueNames = {
  indexChain: 'index-chain',
  reverifyExpiring: 'reverify-expiring',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];

/** Payload schema per queue: producers and workers both validate against it. */
export const payloadSchemas = {
  'index-chain': indexChainPayload,
  'reverify-expiring': reverifyExpiringPayload,
} as const;

export type PayloadOf<Q extends QueueName> = ReturnType<(typeof payloadSchemas)[Q]['parse']>;

export const allQueueNames: readonly QueueName[] = Object.values(queueNames);
