import type { ChainableCommander, Redis } from 'ioredis';
import type { MarginSummary } from '../margin/snapshot.js';
import type { ThresholdCrossing } from '../margin/thresholds.js';

/** Published by workers after each snapshot; relayed by API processes to SSE subscribers. */
export interface MarginEvent {
  readonly type: 'margin' | 'threshold';
  readonly accountId: string;
  readonly computedAt: number;
  readonly summary: MarginSummary;
  /** The summary this one replaced (margin events), so subscribers can test their own thresholds. */
  readonly previous?: MarginSummary;
  readonly crossing?: ThresholdCrossing;
  /** When the change behind this event was accepted (unix ms). */
  readonly requestedAt?: number;
}

/**
 * Queues the events' PUBLISH commands on a pipeline or MULTI (the caller runs it). A message carries a
 * JSON array of up to 500 events: a market move changes tens of thousands of accounts at once, and one
 * message per event made Redis and every API process pay per account.
 */
export function queueMarginEvents(
  pipeline: ChainableCommander,
  channel: string,
  events: readonly MarginEvent[],
): void {
  for (let i = 0; i < events.length; i += 500)
    pipeline.publish(channel, JSON.stringify(events.slice(i, i + 500)));
}

export type MarginEventListener = (event: MarginEvent) => void;

/**
 * One Redis subscription per API process, fanned out in memory to every open SSE stream.
 * Pub/sub is fire-and-forget: a client that needs certainty re-reads GET margin on reconnect.
 */
export interface MarginEventHub {
  subscribe(listener: MarginEventListener): () => void;
  readonly size: number;
  close(): Promise<void>;
}

export async function createMarginEventHub(subscriber: Redis, channel: string): Promise<MarginEventHub> {
  const listeners = new Set<MarginEventListener>();
  subscriber.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    let events: unknown;
    try {
      events = JSON.parse(message);
    } catch {
      return;
    }
    // Only workers of this deployment publish here, in the format above.
    for (const event of Array.isArray(events) ? (events as MarginEvent[]) : [])
      for (const l of listeners) l(event);
  });
  await subscriber.subscribe(channel);
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get size() {
      return listeners.size;
    },
    async close() {
      listeners.clear();
      await subscriber.unsubscribe(channel).catch(() => undefined);
    },
  };
}
