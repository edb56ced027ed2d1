import {
  indexChainPayload,
  marketMovePayload,
  recomputeAccountPayload,
  reverifyExpiringPayload,
} from '@xmargin/schemas/jobs';

/** The engine's queues. Names are part of the Redis key space: never rename a released one. */
export const queueNames = {
  recomputeAccount: 'recompute-account',
  marketMove: 'market-move',
  indexChain: 'index-chain',
  reverifyExpiring: 'reverify-expiring',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];

/** Payload schema per queue: producers and workers both validate against it. */
export const payloadSchemas = {
  'recompute-account': recomputeAccountPayload,
  'market-move': marketMovePayload,
  'index-chain': indexChainPayload,
  'reverify-expiring': reverifyExpiringPayload,
} as const;

export type PayloadOf<Q extends QueueName> = ReturnType<(typeof payloadSchemas)[Q]['parse']>;

export const allQueueNames: readonly QueueName[] = Object.values(queueNames);
