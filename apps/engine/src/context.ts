import type { JobProducers } from '@xmargin/jobs';
import type { Store } from '@xmargin/store';
import type { Redis } from 'ioredis';
import type { AttestationRegistryStore } from './attestations/registry-store.js';
import type { Metrics } from './http/metrics.js';
import type { GlobalInputsCache } from './margin/global-inputs.js';
import type { MarginCache } from './margin/margin-cache.js';
import type { SnapshotHistoryWriter } from './margin/snapshot-history-writer.js';
import type { SettlementSettings } from './settlement/settlement-settings.js';

/** Settings the services need (derived from the validated env, overridable by tests). */
export interface EngineSettings {
  readonly queuePrefix: string;
  readonly thresholds: readonly number[];
  readonly wormholeNetwork: 'mainnet' | 'testnet' | 'devnet';
  /** VAAs older than this are rejected as stale (seconds); undefined = no limit. */
  readonly attestationMaxAgeSeconds: number | undefined;
  readonly reverifyHorizonSeconds: number;
  /** Engine-authorised withdrawals and signed margin statements (settlement key, vaults). */
  readonly settlement?: SettlementSettings | undefined;
}

/** Everything a route handler or job handler may use; built once by createEngine. */
export interface EngineContext {
  readonly settings: EngineSettings;
  readonly store: Store;
  /** Command connection (never used for blocking calls or subscriptions). */
  readonly redis: Redis;
  readonly producers: JobProducers;
  readonly marginCache: MarginCache;
  /** Appends snapshots to the Postgres history, grouping concurrent recomputes into one INSERT. */
  readonly snapshotHistory: SnapshotHistoryWriter;
  /** Market data and active parameters, cached per process (see global-inputs.ts). */
  readonly globalInputs: GlobalInputsCache;
  readonly registry: AttestationRegistryStore;
  readonly metrics: Metrics;
  /** Unix milliseconds; a parameter so tests can pin time. */
  readonly now: () => number;
}
