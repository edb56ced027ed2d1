import type { MarginSummary } from '../margin/snapshot.js';
import type { ThresholdCrossing } from '../margin/thresholds.js';
import type { EventLogHub } from './event-log.js';

/**
 * Appended by workers to the margin event log after each snapshot (a move's events share entries, see
 * event-log.ts); relayed by API processes to SSE subscribers and by the webhook dispatcher.
 */
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

/** One reader of the margin event log per API process, fanned out to every open SSE stream. */
export type MarginEventHub = EventLogHub<MarginEvent>;
