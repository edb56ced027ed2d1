import { collectProcessMetrics } from '@xmargin/ops';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The relayer's own Prometheus registry (never the global one: tests run several relayers per process). */
export function createRelayerMetrics() {
  const registry = new Registry();
  collectProcessMetrics(registry);
  const posts = new Counter({
    name: 'xmargin_relayer_posts_total',
    help: 'Attestations posted to the engine, by kind and outcome (accepted, duplicate, rejected, retry)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const postErrors = new Counter({
    name: 'xmargin_relayer_post_errors_total',
    help: 'Failed posts by kind and error code',
    labelNames: ['kind', 'code'] as const,
    registers: [registry],
  });
  const guardianRequests = new Counter({
    name: 'xmargin_relayer_guardian_requests_total',
    help: 'Guardian API requests by operation and result (found, missing, error)',
    labelNames: ['op', 'result'] as const,
    registers: [registry],
  });
  const httpRetries = new Counter({
    name: 'xmargin_relayer_http_retries_total',
    help: 'Transport-level retries by target (engine, guardian)',
    labelNames: ['target'] as const,
    registers: [registry],
  });
  const nextSequence = new Gauge({
    name: 'xmargin_relayer_emitter_next_sequence',
    help: 'Lowest sequence per emitter not yet delivered (the persisted cursor)',
    labelNames: ['chain', 'emitter'] as const,
    registers: [registry],
  });
  const openGaps = new Gauge({
    name: 'xmargin_relayer_emitter_open_gaps',
    help: 'Sequences missing from the guardians while later ones exist, per emitter',
    labelNames: ['chain', 'emitter'] as const,
    registers: [registry],
  });
  const gapsDetected = new Counter({
    name: 'xmargin_relayer_gaps_detected_total',
    help: 'Missing sequences detected behind a later signed one',
    labelNames: ['chain'] as const,
    registers: [registry],
  });
  const gapsFilled = new Counter({
    name: 'xmargin_relayer_gaps_backfilled_total',
    help: 'Gaps delivered once the guardians signed them',
    labelNames: ['chain'] as const,
    registers: [registry],
  });
  const queryRequests = new Counter({
    name: 'xmargin_relayer_query_requests_total',
    help: 'Wormhole Queries requested from the guardians, by target kind and result',
    labelNames: ['kind', 'result'] as const,
    registers: [registry],
  });
  const rounds = new Histogram({
    name: 'xmargin_relayer_round_duration_seconds',
    help: 'Duration of one polling round (every emitter, due queries and Pyth)',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const lastRound = new Gauge({
    name: 'xmargin_relayer_last_round_timestamp_seconds',
    help: 'Unix time the last polling round finished',
    registers: [registry],
  });
  return {
    registry,
    posts,
    postErrors,
    guardianRequests,
    httpRetries,
    nextSequence,
    openGaps,
    gapsDetected,
    gapsFilled,
    queryRequests,
    rounds,
    lastRound,
  };
}

export type RelayerMetrics = ReturnType<typeof createRelayerMetrics>;
