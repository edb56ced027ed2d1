import { createXmarginClient } from '@xmargin/client';
import { createLogger } from '@xmargin/ops';
import { createRelayer } from './create-relayer.js';
import { createFileCursorStore } from './cursor/cursor-store.js';
import { loadRelayerEnv } from './env.js';
import type { RelayerEvent } from './events.js';
import { createHermesSource } from './pyth/hermes-source.js';

// `pnpm --filter @xmargin/relayer start` (configuration from the environment, see env.ts).
const env = loadRelayerEnv();
// JSON lines on stdout (pino); the API key is never logged (and censored if it ever were).
const logger = createLogger({ level: env.LOG_LEVEL, base: { service: 'relayer' } });
const jsonSafe = (e: RelayerEvent) =>
  JSON.parse(JSON.stringify(e, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as object;
const onEvent = (e: RelayerEvent) =>
  e.type === 'error' ? logger.error(jsonSafe(e), e.type) : logger.info(jsonSafe(e), e.type);

const engine = createXmarginClient({
  baseUrl: env.ENGINE_URL,
  apiKey: env.RELAYER_API_KEY,
  timeoutMs: env.ENGINE_TIMEOUT_MS,
  // Called only once the relayer runs, so `relayer` is defined by then.
  onRetry: () => relayer.metrics.httpRetries.inc({ target: 'engine' }),
});
const relayer = createRelayer({
  engine,
  guardian: env.GUARDIAN_URL,
  emitters: env.RELAYER_EMITTERS,
  queries: env.RELAYER_QUERIES,
  ...(env.PYTH_HERMES_URL === undefined
    ? {}
    : {
        pyth: {
          source: createHermesSource({ url: env.PYTH_HERMES_URL, feedIds: env.PYTH_FEED_IDS }),
          intervalMs: env.PYTH_INTERVAL_MS,
        },
      }),
  pollIntervalMs: env.POLL_INTERVAL_MS,
  cursorStore: createFileCursorStore(env.CURSOR_FILE),
  ops: { host: env.RELAYER_HOST, port: env.RELAYER_PORT },
  onEvent,
});
await relayer.start();
logger.info(
  {
    ops: relayer.opsUrl,
    engine: env.ENGINE_URL,
    guardian: env.GUARDIAN_URL,
    emitters: env.RELAYER_EMITTERS.length,
    queries: env.RELAYER_QUERIES.length,
  },
  'relayer started',
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 30_000);
  force.unref();
  await relayer.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
