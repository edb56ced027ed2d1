import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { createProducers, createQueueAdmin, createRedisConnection, type QueueName } from '@xmargin/jobs';
import {
  createLogger,
  errorCodeOf,
  type Logger,
  type OpsServer,
  redactUrl,
  retryUntilReady,
  silentLogger,
  startOpsServer,
  throttledLog,
} from '@xmargin/ops';
import type { EngineEnv } from '@xmargin/schemas/env';
import type { Role } from '@xmargin/schemas/http';
import { hashApiKey, openStore, type Store } from '@xmargin/store';
import { QueueEvents, type Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createAttestationRegistryStore } from './attestations/registry-store.js';
import type { EngineContext } from './context.js';
import { type App, buildApp } from './http/app.js';
import { cachedPrincipalLookup, type Principal } from './http/auth.js';
import { registerConsole } from './http/console.js';
import { createMetrics } from './http/metrics.js';
import { registerRoutes } from './http/routes/index.js';
import { type ChainIndexer, createChainIndexer } from './indexing/create-chain-indexer.js';
import { liquidationDeps } from './liquidation/liquidation-context.js';
import { type LiquidationSweeper, startLiquidationSweeper } from './liquidation/liquidation-sweep.js';
import { createGlobalInputsCache } from './margin/global-inputs.js';
import { createMarginCache } from './margin/margin-cache.js';
import { connectCommandRedis } from './redis/connect-command-redis.js';
import { redisKeys } from './redis-keys.js';
import { createVaultEventObserver } from './settlement/observe-vault-events.js';
import { settlementSettings } from './settlement/settlement-settings.js';
import { createShardEventPublisher } from './shards/shard-events.js';
import { type ShardMaintenance, startShardMaintenance } from './shards/shard-maintenance.js';
import { createShardOwner, type ShardOwner } from './shards/shard-owner.js';
import { createEventLogHub } from './stream/event-log.js';
import type { MarginEvent, MarginEventHub } from './stream/margin-events.js';
import { startStressWorker } from './stress/stress-queue.js';
import { startWebhookDispatcher, type WebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { createWebhookQueue, startWebhookWorker, type WebhookQueue } from './webhooks/webhook-queue.js';
import { observeWorker } from './workers/observe-worker.js';
import { startWorkers, type WorkerSettings } from './workers/start-workers.js';

export type EngineRole = 'api' | 'worker' | 'all';

export interface EngineConfig {
  readonly env: EngineEnv;
  readonly role: EngineRole;
  /** Postgres schema for all tables (tests isolate themselves in one); default `public`. */
  readonly dbSchema?: string;
  /**
   * Logger for the HTTP server and workers: a pino logger (main.ts passes its own), a level and where
   * the JSON lines go (tests read them), or false to silence everything (tests). Default: LOG_LEVEL to
   * stdout.
   */
  readonly logger?:
    | false
    | Logger
    | { readonly level: string; readonly stream?: { write(line: string): void } };
  /** Clock in unix ms (tests pin it). */
  readonly now?: () => number;
  /** Overrides every kind's attestation age limit from the env (seconds). */
  readonly attestationMaxAgeSeconds?: number;
  readonly indexChain?: WorkerSettings['indexChain'];
}

export interface Engine {
  readonly context: EngineContext;
  /** The HTTP app (roles api and all). */
  readonly app: App | undefined;
  readonly workers: readonly Worker[];
  /** This process's shards and resident book (roles worker and all). */
  readonly shardOwner: ShardOwner | undefined;
  readonly maintenance: ShardMaintenance | undefined;
  /** The liquidation sweep (roles worker and all). */
  readonly liquidationSweeper: LiquidationSweeper | undefined;
  /** Base URL of the ops server (`/healthz`, `/readyz`, `/metrics`) of role worker; undefined otherwise. */
  readonly opsUrl: string | undefined;
  readonly logger: Logger;
  /** Starts listening on HOST:PORT (or the given port, 0 = any free one); returns the base URL. */
  listen(port?: number): Promise<string>;
  /** Graceful shutdown: stop accepting, let active jobs finish, close connections. */
  close(): Promise<void>;
}

/**
 * Composition root: opens the ledger and Redis, wires producers, caches and metrics, and starts the
 * HTTP API and/or the queue workers depending on the role.
 */
export async function createEngine(config: EngineConfig): Promise<Engine> {
  const { env, role } = config;
  const logger = engineLogger(config.logger, env.LOG_LEVEL, role);
  const dbSchema = config.dbSchema ?? env.DATABASE_SCHEMA;
  const storeOptions = {
    ...(env.DATABASE_URL === undefined ? { dataDir: env.PGLITE_DIR } : { url: env.DATABASE_URL }),
    ...(dbSchema === undefined ? {} : { schema: dbSchema }),
  };
  // Postgres or Redis down at start: retried with one log line per attempt, then a clear error (main.ts
  // logs it and exits non-zero) after the configured bound. PGlite is in-process: nothing to wait for.
  const store: Store =
    env.DATABASE_URL === undefined
      ? await openStore(storeOptions)
      : await retryUntilReady({
          dependency: 'postgres',
          target: redactUrl(env.DATABASE_URL),
          timeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
          logger,
          attempt: () => openStore(storeOptions),
        });
  const connections: Redis[] = [];
  const keys = redisKeys(env.QUEUE_PREFIX);
  // Connections reconnect by themselves and report every failed attempt: during an outage that is one
  // warn line per source every 10 s (with the count suppressed), and /readyz says Redis is down.
  const warnThrottled = throttledLog(logger, 10_000);
  const connectionError = (source: string) => (err: unknown) =>
    warnThrottled(
      source,
      { where: source, code: errorCodeOf(err), err },
      'redis connection error, reconnecting',
    );
  let redis: Redis;
  try {
    redis = await retryUntilReady({
      dependency: 'redis',
      target: redactUrl(env.REDIS_URL),
      timeoutMs: env.REDIS_CONNECT_TIMEOUT_MS,
      logger,
      attempt: (remainingMs) =>
        connectCommandRedis({
          url: env.REDIS_URL,
          name: `xmargin-${role}`,
          timeoutMs: Math.min(remainingMs, 1_000),
        }),
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  connections.push(redis);
  const producers = createProducers({
    connection: redis,
    prefix: env.QUEUE_PREFIX,
    onError: connectionError('producers'),
  });
  const queueAdmin = createQueueAdmin(producers.queues);
  const metrics = createMetrics(async (gauge) => {
    for (const c of await queueAdmin.counts()) {
      for (const state of ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const) {
        gauge.set({ queue: c.queue, state }, c[state]);
      }
    }
  });
  // Worker-level failures (Redis or Postgres unreachable: the work is retried) are logged with their
  // source and code, and counted.
  const logError = (err: unknown, where: string) => {
    metrics.workerErrors.inc({ source: where.split(' ')[0] ?? where });
    logger.error({ where, code: errorCodeOf(err), err }, 'worker error');
  };
  const observe = (worker: Worker) => observeWorker(worker, { logger, metrics, warnThrottled });
  const context: EngineContext = {
    settings: {
      queuePrefix: env.QUEUE_PREFIX,
      thresholds: env.MARGIN_THRESHOLDS,
      wormholeNetwork: env.WORMHOLE_NETWORK,
      attestationMaxAge: {
        vaa:
          config.attestationMaxAgeSeconds ??
          env.ATTESTATION_MAX_AGE_SECONDS_VAA ??
          env.ATTESTATION_MAX_AGE_SECONDS,
        query:
          config.attestationMaxAgeSeconds ??
          env.ATTESTATION_MAX_AGE_SECONDS_QUERY ??
          env.ATTESTATION_MAX_AGE_SECONDS,
        pyth: config.attestationMaxAgeSeconds ?? env.ATTESTATION_MAX_AGE_SECONDS_PYTH,
      },
      marketDataMaxAgeSeconds: env.MARKET_DATA_MAX_AGE_SECONDS,
      maxAccountsPerKey: env.MAX_ACCOUNTS_PER_KEY,
      maxStreamsPerKey: env.MAX_STREAMS_PER_KEY,
      eventLogMaxLen: env.EVENT_LOG_MAX_LEN,
      webhooks: {
        maxPerKey: env.MAX_WEBHOOKS_PER_KEY,
        maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
        backoffMs: env.WEBHOOK_BACKOFF_MS,
        timeoutMs: env.WEBHOOK_TIMEOUT_MS,
        allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
      },
      reverifyHorizonSeconds: env.REVERIFY_HORIZON_SECONDS,
      shards: env.SHARDS,
      settlement: settlementSettings(env),
    },
    store,
    redis,
    keys,
    producers,
    shardEvents: createShardEventPublisher(redis, keys, env.SHARDS),
    marginCache: createMarginCache(redis, keys),
    globalInputs: createGlobalInputsCache(store, redis, keys.globalInputsVersion),
    registry: createAttestationRegistryStore(redis, env.QUEUE_PREFIX, store.trustConfig),
    metrics,
    now: config.now ?? Date.now,
  };

  // Redis may have restarted empty: the trust root comes back from Postgres before anything verifies.
  await context.registry.rebuild();

  if (env.XMARGIN_ADMIN_KEY !== undefined) {
    const keyHash = hashApiKey(env.XMARGIN_ADMIN_KEY);
    if (!(await store.apiKeys.findByHash(keyHash))) {
      await store.apiKeys
        .create({ id: 'key_bootstrap_admin', name: 'bootstrap admin', role: 'admin', keyHash })
        .catch(async (err: unknown) => {
          // Another process bootstrapped it first, or an older bootstrap key was rotated: keep the one stored.
          if (!(await store.apiKeys.findByHash(keyHash)) && !(await store.apiKeys.get('key_bootstrap_admin')))
            throw err;
        });
    }
  }

  const readiness = {
    redis: async () => {
      // Fails at once while disconnected (no offline queue), so /readyz answers 503 promptly.
      const pong = await redis.ping();
      if (pong !== 'PONG') throw new Error('redis did not answer PONG');
    },
    database: () => store.ping(),
  };
  let app: App | undefined;
  let hub: MarginEventHub | undefined;
  const queueEvents: QueueEvents[] = [];
  if (role === 'api' || role === 'all') {
    // A dedicated connection per log for its blocking XREAD (closed by the hub).
    hub = await createEventLogHub<MarginEvent>(
      createRedisConnection(env.REDIS_URL, {
        name: 'xmargin-api-margin-events',
        onError: connectionError('margin-events'),
      }),
      keys.marginEvents,
      (err) => logError(err, 'margin-event-log'),
    );
    for (const queue of ['reverify-expiring', 'index-chain'] as QueueName[]) {
      const qeConnection = createRedisConnection(env.REDIS_URL, {
        name: `xmargin-api-qe-${queue}`,
        onError: connectionError(`queue-events ${queue}`),
      });
      connections.push(qeConnection);
      const qe = new QueueEvents(queue, {
        connection: qeConnection,
        prefix: env.QUEUE_PREFIX,
      });
      qe.on('error', connectionError(`queue-events ${queue}`));
      qe.on('completed', ({ returnvalue }) => {
        const r = returnvalue as unknown as { durationMs?: number; requestedAt?: number } | null;
        if (r && typeof r.durationMs === 'number')
          metrics.jobDuration.observe({ queue, outcome: 'completed' }, r.durationMs / 1000);
      });
      queueEvents.push(qe);
    }
    const findPrincipal = cachedPrincipalLookup(async (hash) => {
      const key = await store.apiKeys.findByHash(hash);
      if (!key) return null;
      const principal: Principal = {
        keyId: key.id,
        name: key.name,
        role: key.role as Role,
        scope: key.scope,
      };
      return principal;
    });
    const eventHub = hub;
    app = await buildApp({
      findPrincipal,
      metrics,
      bodyLimit: env.BODY_LIMIT_BYTES,
      rateLimit: { perSecond: env.RATE_LIMIT_PER_SECOND, burst: env.RATE_LIMIT_BURST },
      authFailureLimit: { perSecond: env.AUTH_FAILURES_PER_SECOND, burst: env.AUTH_FAILURES_BURST },
      readiness,
      logger,
      routes: (v1) => registerRoutes(v1, { ctx: context, queueAdmin, hub: eventHub }),
    });
    registerConsole(app);
  }

  let workers: Worker[] = [];
  let indexer: ChainIndexer | undefined;
  let shardOwner: ShardOwner | undefined;
  let maintenance: ShardMaintenance | undefined;
  let sweeper: LiquidationSweeper | undefined;
  let dispatcher: WebhookDispatcher | undefined;
  let webhookQueue: WebhookQueue | undefined;
  if (role === 'worker' || role === 'all') {
    // Vault events (forced-withdrawal requests, executed authorisations) are read in the balance index
    // round, up to the height the balances are read to and written before them: a reservation counts
    // until the indexed balance reaches the block of its debit, so a debited balance and its open
    // reservation never count together.
    const vaultEvents = createVaultEventObserver(store, settlementSettings(env).networks);
    if (env.INDEX_NETWORKS.length > 0)
      indexer = createChainIndexer(context, env.INDEX_NETWORKS, {
        beforeIngest: (chain, height) => vaultEvents.observe(chain, height),
      });
    const idx = indexer;
    // Webhooks: the dispatcher turns logged events into deliveries; the worker sends them.
    webhookQueue = createWebhookQueue(redis, env.QUEUE_PREFIX, {
      maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
      backoffMs: env.WEBHOOK_BACKOFF_MS,
    });
    const hooks = startWebhookWorker({
      store,
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
      now: context.now,
      redisUrl: env.REDIS_URL,
      prefix: env.QUEUE_PREFIX,
    });
    observe(hooks.worker);
    workers.push(hooks.worker);
    connections.push(hooks.connection);
    dispatcher = await startWebhookDispatcher({
      store,
      redis,
      blocking: createRedisConnection(env.REDIS_URL, {
        name: 'xmargin-worker-webhook-dispatch',
        onError: connectionError('webhook-dispatch'),
      }),
      keys,
      queue: webhookQueue,
      consumer: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
      onError: (err) => logError(err, 'webhook-dispatch'),
    });
    const blocking = createRedisConnection(env.REDIS_URL, {
      name: 'xmargin-worker-shard-events',
      onError: connectionError('shard-events'),
    });
    connections.push(blocking);
    shardOwner = createShardOwner({
      store,
      redis,
      blocking,
      keys,
      workerId: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
      shards: env.SHARDS,
      leaseMs: env.SHARD_LEASE_MS,
      thresholds: env.MARGIN_THRESHOLDS,
      eventLogMaxLen: env.EVENT_LOG_MAX_LEN,
      history: { tolerance: env.HISTORY_TOLERANCE, everySeconds: env.HISTORY_EVERY_SECONDS },
      pageSize: env.SHARD_PAGE_SIZE,
      retryMaxMs: env.EVENT_RETRY_MAX_MS,
      reconcileEveryMs: env.RECONCILE_EVERY_MS,
      now: context.now,
      onError: logError,
      // Change accepted -> margin readable, observed where the margin is published.
      changeToMargin: (seconds) => metrics.attestationToMargin.observe(seconds),
    });
    shardOwner.start();
    maintenance = startShardMaintenance({
      owner: shardOwner,
      store,
      cache: context.marginCache,
      consistencyEveryMs: env.CONSISTENCY_CHECK_EVERY_MS,
      consistencySample: env.CONSISTENCY_SAMPLE,
      retentionDays: env.HISTORY_RETENTION_DAYS,
      pruneEveryMs: env.HISTORY_PRUNE_EVERY_MS,
      now: context.now,
      onError: logError,
      onMismatch: (m) =>
        logError(
          new Error(`consistency check: ${m.length} cached margins differed from the ledger; reloaded`),
          'consistency',
        ),
    });
    const started = startWorkers(context, {
      redisUrl: env.REDIS_URL,
      concurrency: env.WORKER_CONCURRENCY,
      lockDurationMs: env.WORKER_LOCK_DURATION_MS,
      stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
      ...(config.indexChain === undefined ? {} : { indexChain: config.indexChain }),
      ...(config.indexChain === undefined && idx
        ? { indexChain: (chain: string) => idx.indexChain(chain) }
        : {}),
    });
    for (const w of started.workers) observe(w);
    for (const chain of indexer?.chains ?? []) await producers.scheduleIndexChain(chain, env.INDEX_EVERY_MS);
    workers = started.workers;
    connections.push(...started.connections);
    const stress = startStressWorker(context, env.REDIS_URL);
    observe(stress.worker);
    workers.push(stress.worker);
    connections.push(stress.connection);
    await producers.scheduleReverifyExpiring(env.REVERIFY_HORIZON_SECONDS, env.REVERIFY_EVERY_MS);
    // A failed account evaluation is logged and retried on the next tick; the metrics count auctions and bids.
    sweeper = startLiquidationSweeper(liquidationDeps(context), env.LIQUIDATION_SWEEP_MS, (f) =>
      logError(f.error, f.account === undefined ? 'liquidation-sweep' : `liquidation-sweep ${f.account}`),
    );
  }

  let closed = false;
  // Processes without the API still answer health, readiness and metrics, on their own small port.
  let ops: OpsServer | undefined;
  if (!app) {
    try {
      ops = await startOpsServer({
        host: env.OPS_HOST,
        port: env.OPS_PORT,
        registry: metrics.registry,
        health: () => ({ healthy: true, body: { status: 'ok' } }),
        readiness,
      });
    } catch (err) {
      await closeAll();
      throw err;
    }
  }

  async function closeAll() {
    if (closed) return;
    closed = true;
    await ops?.close();
    if (app) await app.close();
    await sweeper?.close();
    await dispatcher?.stop();
    // Workers finish their active jobs before closing (BullMQ's graceful close).
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all(workers.map((w) => w.disconnect().catch(() => undefined)));
    maintenance?.stop();
    await shardOwner?.stop();
    await indexer?.close();
    await hub?.close();
    await Promise.all(queueEvents.map((q) => q.close()));
    await webhookQueue?.close();
    await producers.close();
    for (const c of connections) c.disconnect();
    await store.close();
  }
  return {
    context,
    app,
    workers,
    shardOwner,
    maintenance,
    opsUrl: ops?.url,
    logger,
    get liquidationSweeper() {
      return sweeper;
    },
    async listen(port) {
      if (!app) throw new Error('listen() needs role api or all');
      return app.listen({ host: env.HOST, port: port ?? env.PORT });
    },
    close: closeAll,
  };
}

/** The process's logger: given, built from a level (and stream), or silent. */
function engineLogger(given: EngineConfig['logger'], level: string, role: EngineRole): Logger {
  if (given === false) return silentLogger();
  if (given !== undefined && 'child' in given) return given;
  return createLogger({
    level: given?.level ?? level,
    base: { service: 'engine', role },
    ...(given?.stream === undefined ? {} : { destination: given.stream }),
  });
}
