import type { JobProducers } from '@xmargin/jobs';
import type { Store } from '@xmargin/store';
import type { Redis } from 'ioredis';
import type { AttestationRegistryStore } from './attestations/registry-store.js';
import type { Metrics } from './http/metrics.js';
import type { GlobalInputsCache } from './margin/global-inputs.js';
import type { MarginCache } from './margin/margin-cache.js';
import type { RedisKeys } from './redis-keys.js';
import type { ShardEventPublisher } from './shards/shard-events.js';

export interface AttestationMaxAge {
  readonly vaa: number;
  readonly query: number;
  readonly pyth: number;
}

import type { SettlementSettings } from './settlement/settlement-settings.js';

/** Settings the services need (derived from the validated env, overridable by tests). */
export interface EngineSettings {
  readonly queuePrefix: string;
  readonly thresholds: readonly number[];
  readonly wormholeNetwork: 'mainnet' | 'testnet' | 'devnet';
  /** Attestations older than this (seconds, by kind) are rejected as stale. */
  readonly attestationMaxAge: AttestationMaxAge;
  /** Market-data writes observed longer ago than this (seconds) are refused. */
  readonly marketDataMaxAgeSeconds: number;
  readonly maxAccountsPerKey: number;
  readonly maxStreamsPerKey: number;
  /** Events kept per event log (margin, liquidation) for replay and webhooks. */
  readonly eventLogMaxLen: number;
  /** Webhook registrations per protocol key, and delivery attempts, first backoff and timeout. */
  readonly webhooks: {
    readonly maxPerKey: number;
    readonly maxAttempts: number;
    readonly backoffMs: number;
    readonly timeoutMs: number;
    /** WEBHOOK_ALLOW_PRIVATE: URLs on loopback / private / link-local addresses accepted. */
    readonly allowPrivate: boolean;
  };
  readonly reverifyHorizonSeconds: number;
  readonly shards: number;
  /** Engine-authorised withdrawals and signed margin statements (settlement key, vaults). */
  readonly settlement?: SettlementSettings | undefined;
}

/**
 * The services built once by createEngine. Route groups receive it whole (they are the composition
 * edge); every function below them declares the members it uses (`Pick<EngineContext, ...>`), so its
 * dependencies are visible and a test passes only those.
 */
export interface EngineContext {
  readonly settings: EngineSettings;
  readonly store: Store;
  /** Command connection (never used for blocking calls or subscriptions). */
  readonly redis: Redis;
  /** The engine's Redis key space (redis-keys.ts). */
  readonly keys: RedisKeys;
  readonly producers: JobProducers;
  /** Account-changed / market / params events to the shard owners. */
  readonly shardEvents: ShardEventPublisher;
  readonly marginCache: MarginCache;
  /** Market data and active parameters, cached per process (see global-inputs.ts). */
  readonly globalInputs: GlobalInputsCache;
  readonly registry: AttestationRegistryStore;
  readonly metrics: Metrics;
  /** Unix milliseconds; a parameter so tests can pin time. */
  readonly now: () => number;
}
