export {
  createRelayer,
  type Relayer,
  type RelayerConfig,
  type RelayerStatus,
} from './create-relayer.js';
export {
  type CursorStore,
  createFileCursorStore,
  createMemoryCursorStore,
} from './cursor/cursor-store.js';
export { type RelayerEnv, relayerEnv } from './env.js';
export type { OnRelayerEvent, RelayerEvent } from './events.js';
export {
  createGuardianClient,
  type GuardianClient,
  type GuardianClientOptions,
  type SignedQueryResponse,
} from './guardian/guardian-client.js';
export { createGuardianPool } from './guardian/guardian-pool.js';
export type { RelayerMetrics } from './ops/metrics.js';
export { classifyPostError, type PostOutcome } from './post/classify-post-result.js';
export { createHermesSource, type HermesSourceOptions } from './pyth/hermes-source.js';
export type { PythSource } from './pyth/pyth-forwarder.js';
export { buildEvmBalanceRequest, buildSplAccountRequest } from './query/build-query-request.js';
export type { EvmBalanceTarget, QueryTarget, SplAccountTarget } from './query/query-target.js';
export { type EmitterConfig, type EmitterStatus, emitterKey } from './vaa/emitter-watcher.js';
