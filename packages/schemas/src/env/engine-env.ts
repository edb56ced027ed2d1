import { z } from 'zod';

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

/** Comma-separated list of numbers, e.g. "0,1000" (margin-excess thresholds that raise events). */
const numberList = z
  .string()
  .default('0')
  .transform((s, ctx) => {
    const parts = s
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    const values = parts.map(Number);
    if (values.some((v) => !Number.isFinite(v))) {
      ctx.addIssue({ code: 'custom', message: 'expected comma-separated numbers' });
      return z.NEVER;
    }
    return [...new Set([0, ...values])].sort((a, b) => a - b);
  });

const evmAddressString = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const tokenConfig = z
  .object({ asset: z.string().min(1), decimals: z.number().int().min(0).max(36) })
  .strict();

/** An EVM network the `index-chain` job polls (vault Deposit/Withdraw events). */
export const evmIndexNetwork = z
  .object({
    platform: z.literal('evm').default('evm'),
    chain: z.string().min(1),
    rpcUrl: z.string().url(),
    vaults: z
      .array(z.object({ address: evmAddressString, startBlock: z.coerce.bigint().nonnegative() }).strict())
      .min(1),
    tokens: z.record(evmAddressString, tokenConfig),
    multicallAddress: evmAddressString.optional(),
    finalityDepth: z.number().int().nonnegative().optional(),
  })
  .strict();

/** A Solana network: SPL token balances of the linked Solana wallets, for the listed mints. */
export const solanaIndexNetwork = z
  .object({
    platform: z.literal('solana'),
    chain: z.string().min(1),
    rpcUrl: z.string().url(),
    mints: z.record(z.string().min(32).max(44), tokenConfig),
  })
  .strict();

export const indexNetwork = z.union([solanaIndexNetwork, evmIndexNetwork]);
export type IndexNetwork = z.infer<typeof indexNetwork>;

/** JSON array of networks (e.g. from a secret store); empty = no chain indexing. */
const indexNetworks = z
  .string()
  .default('[]')
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'expected a JSON array of networks' });
      return z.NEVER;
    }
  })
  .pipe(z.array(indexNetwork));

/**
 * Environment of `apps/engine` (read once, in its env.ts). Secrets (API keys, database URL) are only
 * ever held in memory; nothing logs them.
 */
export const engineEnv = z.object({
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Postgres; unset means PGlite in-process with data under PGLITE_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** Postgres schema for every table (default: the server's `public`); lets deployments share a database. */
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case identifier')
    .optional(),
  PGLITE_DIR: z.string().min(1).default('./.xmargin/db'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(8080).pipe(z.number().max(65_535)),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('xmargin'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Bootstrap admin key; stored hashed on start so a fresh deployment can create the other keys. */
  XMARGIN_ADMIN_KEY: z.string().min(16).optional(),
  BODY_LIMIT_BYTES: int(1_048_576, 1024),
  /** Per API key, per API process: sustained requests per second and burst size. */
  RATE_LIMIT_PER_SECOND: int(1_000, 1),
  RATE_LIMIT_BURST: int(2_000, 1),
  WORKER_CONCURRENCY: int(4, 1),
  /** Shards the accounts are split into (stable hash of the account id); every process must agree. */
  SHARDS: int(64, 1).pipe(z.number().max(4_096)),
  /** A worker's shard lease lives this long without renewal: a dead worker's shards move after it. */
  SHARD_LEASE_MS: int(10_000, 300),
  /** Accounts per page when a worker loads a shard from Postgres. */
  SHARD_PAGE_SIZE: int(2_000, 1),
  /** Longest wait between retries of a failed event application or history write (backoff). */
  EVENT_RETRY_MAX_MS: int(60_000, 10),
  /** Reconciliation: each worker reloads its shards from Postgres and republishes what differs. 0 = off. */
  RECONCILE_EVERY_MS: int(300_000, 0),
  /** Consistency check: a random sample of cached margins against a from-scratch computeMargin. 0 = off. */
  CONSISTENCY_CHECK_EVERY_MS: int(60_000, 0),
  CONSISTENCY_SAMPLE: int(50, 1),
  /** A history row when a summary moves by more than this fraction (of max(|equity|, requirements, 1)). */
  HISTORY_TOLERANCE: z.coerce.number().min(0).max(1).default(0.01),
  /** ... and at least this often per resident account. */
  HISTORY_EVERY_SECONDS: int(3_600, 1),
  /** History rows older than this are pruned (each account keeps its latest row). */
  HISTORY_RETENTION_DAYS: z.coerce.number().positive().default(90),
  HISTORY_PRUNE_EVERY_MS: int(3_600_000, 1_000),
  WORKER_LOCK_DURATION_MS: int(30_000, 500),
  WORKER_STALLED_INTERVAL_MS: int(30_000, 200),
  /** Guardian network whose trust store verifies attestations. */
  WORMHOLE_NETWORK: z.enum(['mainnet', 'testnet', 'devnet']).default('devnet'),
  /** Margin-excess levels (stable units) whose crossing raises a stream event; 0 is always included. */
  MARGIN_THRESHOLDS: numberList,
  /** Attestations older than this are re-verified by `reverify-expiring`. */
  REVERIFY_HORIZON_SECONDS: int(600, 1),
  REVERIFY_EVERY_MS: int(60_000, 1_000),
  INDEX_EVERY_MS: int(15_000, 1_000),
  /** Liquidation sweep period (liquidation spec section 4); worker processes only. */
  LIQUIDATION_SWEEP_MS: int(5_000, 100),
  INDEX_NETWORKS: indexNetworks,
  /**
   * Oldest attestation accepted, by its own timestamp (VAA timestamp, Queries block time, Pyth publish
   * time): the default for every kind; `_VAA` / `_QUERY` override it per kind. Pyth has its own, short
   * default so a relayer cannot pick a favourable old price. Timestamps more than 60 s ahead are refused.
   */
  ATTESTATION_MAX_AGE_SECONDS: int(3_600, 1),
  ATTESTATION_MAX_AGE_SECONDS_VAA: z.coerce.number().int().min(1).optional(),
  ATTESTATION_MAX_AGE_SECONDS_QUERY: z.coerce.number().int().min(1).optional(),
  ATTESTATION_MAX_AGE_SECONDS_PYTH: int(60, 1),
  /** How long the engine waits for Redis on start (retrying, one log line each) before exiting non-zero. */
  REDIS_CONNECT_TIMEOUT_MS: int(10_000, 100),
  /** The same bound for Postgres (DATABASE_URL) on start. */
  DATABASE_CONNECT_TIMEOUT_MS: int(10_000, 100),
  /**
   * Ops port of `--role worker` (`/healthz`, `/readyz`, `/metrics`; roles api and all serve them on
   * PORT). 0 = any free port (the start line names it). No authentication: keep it on a private network.
   */
  OPS_HOST: z.string().min(1).default('127.0.0.1'),
  OPS_PORT: int(9464).pipe(z.number().max(65_535)),
  /** Accounts one API key may create, and margin streams it may hold open at once (per API process). */
  MAX_ACCOUNTS_PER_KEY: int(100_000, 1),
  MAX_STREAMS_PER_KEY: int(100, 1),
  /**
   * Margin and auction events kept for replay (`Last-Event-ID`) and webhooks, per log (Redis stream,
   * trimmed approximately): a subscriber away for longer than this many events gets `missed`.
   */
  EVENT_LOG_MAX_LEN: int(100_000, 100),
  /** Webhook deliveries: attempts per event and the first retry delay (doubling each attempt). */
  WEBHOOK_MAX_ATTEMPTS: int(8, 1),
  WEBHOOK_BACKOFF_MS: int(1_000, 10),
  /** Per-attempt HTTP timeout of a webhook delivery, and webhooks one protocol key may register. */
  WEBHOOK_TIMEOUT_MS: int(10_000, 100),
  MAX_WEBHOOKS_PER_KEY: int(20, 1),
  /**
   * Webhook URLs may point at loopback, private, link-local or otherwise internal addresses only when
   * `true` (development and tests); by default they are refused (WEBHOOK__URL_NOT_ALLOWED), checked on
   * registration and again, on the resolved address, before every delivery.
   */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /**
   * Failed authentications (missing, unknown or revoked key) per client IP per API process: sustained
   * per second and burst. Past it, requests from that IP get 429 before any key lookup.
   */
  AUTH_FAILURES_PER_SECOND: int(5, 1),
  AUTH_FAILURES_BURST: int(50, 1),
  /** Oldest market-data observation an oracle may write (its `observedAt`); future beyond 60 s is refused. */
  MARKET_DATA_MAX_AGE_SECONDS: int(3_600, 1),
  /**
   * The engine's settlement key (32-byte hex): signs EIP-712 Withdrawal / Seize authorisations for the
   * vaults of INDEX_NETWORKS and margin statements. Unset: those routes answer SETTLEMENT__NOT_CONFIGURED.
   * The devnet uses the fixed, public DEVNET_SETTLEMENT_PRIVATE_KEY of @xmargin/devnet.
   */
  SETTLEMENT_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, 'expected 0x and 64 hex digits')
    .optional(),
  /** Validity of a signed withdrawal authorisation (its EIP-712 deadline), seconds. */
  WITHDRAWAL_AUTHORISATION_TTL_SECONDS: int(900, 30),
  /** After the deadline, how long an unobserved authorisation still counts as withdrawn (indexing lag). */
  WITHDRAWAL_RESERVATION_GRACE_SECONDS: int(300, 0),
  /** Validity of a signed margin statement (expiresAt - asOf), seconds. */
  MARGIN_STATEMENT_TTL_SECONDS: int(60, 1),
  /** Decimals of the fixed-point amounts in margin statements (the stable's). */
  STABLE_DECIMALS: int(6, 0).pipe(z.number().max(36)),
});

export type EngineEnv = z.infer<typeof engineEnv>;
