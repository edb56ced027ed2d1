import type { Redis } from 'ioredis';

/** One auction event for the SSE stream and webhooks (spec section 7). */
export interface LiquidationEvent {
  readonly type: 'started' | 'bid' | 'converted' | 'terminated' | 'price' | 'withdrawals';
  readonly auctionId: string | null;
  readonly accountId: string | null;
  readonly time: number;
  readonly data: Record<string, unknown>;
}

export function liquidationEventsChannel(prefix: string): string {
  return `${prefix}:liquidation-events`;
}

/** Publishes after the transaction that produced the events committed (pub/sub is fire-and-forget). */
export async function publishLiquidationEvents(
  redis: Redis,
  prefix: string,
  events: readonly LiquidationEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const pipeline = redis.pipeline();
  for (const e of events) pipeline.publish(liquidationEventsChannel(prefix), JSON.stringify(e));
  await pipeline.exec();
}

export type LiquidationEventListener = (event: LiquidationEvent) => void;

export interface LiquidationEventHub {
  subscribe(listener: LiquidationEventListener): () => void;
  close(): Promise<void>;
}

/** One Redis subscription per API process, fanned out in memory to every open liquidation stream. */
export async function createLiquidationEventHub(
  subscriber: Redis,
  prefix: string,
): Promise<LiquidationEventHub> {
  const listeners = new Set<LiquidationEventListener>();
  const channel = liquidationEventsChannel(prefix);
  subscriber.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    let event: LiquidationEvent;
    try {
      event = JSON.parse(message) as LiquidationEvent;
    } catch {
      return;
    }
    for (const l of listeners) l(event);
  });
  await subscriber.subscribe(channel);
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      await subscriber.unsubscribe(channel).catch(() => undefined);
    },
  };
}
