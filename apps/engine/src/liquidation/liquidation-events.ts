import type { Redis } from 'ioredis';
import { type EventLogHub, queueAppendEvents } from '../stream/event-log.js';

/** One auction event for the SSE stream and webhooks (spec section 7). */
export interface LiquidationEvent {
  readonly type: 'started' | 'bid' | 'converted' | 'terminated' | 'price' | 'withdrawals';
  readonly auctionId: string | null;
  readonly accountId: string | null;
  readonly time: number;
  readonly data: Record<string, unknown>;
}

/** Where auction events go: the liquidation event log (RedisKeys.liquidationEvents) and its bound. */
export interface LiquidationEventLog {
  readonly redis: Redis;
  readonly key: string;
  readonly maxLen: number;
}

/** Appends to the event log after the transaction that produced the events committed. */
export async function publishLiquidationEvents(
  log: LiquidationEventLog,
  events: readonly LiquidationEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const pipeline = log.redis.pipeline();
  queueAppendEvents(pipeline, log.key, log.maxLen, events);
  const replies = (await pipeline.exec()) ?? [];
  const failed = replies.find(([err]) => err !== null)?.[0];
  if (failed) throw failed;
}

/** One reader of the liquidation event log per API process, fanned out to every open stream. */
export type LiquidationEventHub = EventLogHub<LiquidationEvent>;
