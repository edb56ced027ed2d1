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
}

export function marginEventsChannel(prefix: string): string {
  return `${prefix}:margin-events`;
}

export async function publishMarginEvents(
  redis: Redis,
  prefix: string,
  events: readonly MarginEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const pipeline = redis.pipeline();
  queueMarginEvents(pipeline, prefix, events);
  await pipeline.exec();
}

/** Queues the events' PUBLISH commands on a pipeline or MULTI (the caller runs it). */
export function queueMarginEvents(
  pipeline: ChainableCommander,
  prefix: string,
  events: readonly MarginEvent[],
): void {
  const channel = marginEventsChannel(prefix);
  for (const e of events) pipeline.publish(channel, JSON.stringify(e));
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

export async function createMarginEventHub(subscriber: Redis, prefix: string): Promise<MarginEventHub> {
  const listeners = new Set<MarginEventListener>();
  const channel = marginEventsChannel(prefix);
  subscriber.on('message', (ch: string, message: string) => {
    if (ch !== channel) return;
    let event: MarginEvent;
    try {
      event = JSON.parse(message) as MarginEvent;
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
    get size() {
      return listeners.size;
    },
    async close() {
      listeners.clear();
      await subscriber.unsubscribe(channel).catch(() => undefined);
    },
  };
}
