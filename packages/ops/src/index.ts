export {
  type CreateLoggerParameters,
  createLogger,
  errorCodeOf,
  type Logger,
  REDACTED_PATHS,
  silentLogger,
} from './create-logger.js';
export { collectProcessMetrics } from './process-metrics.js';
export { type RetryUntilReadyParameters, redactUrl, retryUntilReady } from './retry-until-ready.js';
export {
  type OpsServer,
  type OpsServerOptions,
  type ReadinessProbes,
  runReadinessProbes,
  startOpsServer,
} from './start-ops-server.js';
export { type ThrottledLog, throttledLog } from './throttled-log.js';
