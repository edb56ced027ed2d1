import { randomBytes } from 'node:crypto';
import { createXmarginClient, type XmarginClient } from '@xmargin/client';
import { freePort } from './free-port.js';
import { exitedEarly, type ServiceProcess, startServiceProcess } from './service-process.js';
import { waitFor } from './wait-for.js';

export interface EngineProcessOptions {
  readonly redisUrl: string;
  readonly queuePrefix: string;
  /** PGlite data directory (the embedded default); ignored when `databaseUrl` is set. */
  readonly pgliteDir: string;
  readonly databaseUrl?: string;
  /** Margin-excess levels that raise stream events (besides 0). */
  readonly thresholds?: readonly number[];
  readonly logLevel?: string;
  readonly onLine?: (line: string) => void;
  readonly readyTimeoutMs?: number;
  /** More engine environment (e.g. SETTLEMENT_PRIVATE_KEY, INDEX_NETWORKS). */
  readonly env?: Readonly<Record<string, string>>;
}

export interface EngineProcess {
  readonly url: string;
  readonly adminKey: string;
  /** Client with the bootstrap admin key. */
  readonly admin: XmarginClient;
  readonly process: ServiceProcess;
  /** A client for `key` against this engine. */
  client(key: string): XmarginClient;
  /** Creates an API key of a role (protocol keys need the protocol id as scope); returns its secret. */
  createKey(role: 'protocol' | 'relayer' | 'oracle' | 'admin', scope?: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts `apps/engine/src/main.ts --role all` (HTTP API and queue workers in one process) and waits
 * until `/readyz` reports Redis and the database usable.
 */
export async function startEngineProcess(opts: EngineProcessOptions): Promise<EngineProcess> {
  const port = await freePort();
  const adminKey = `xm_admin_${randomBytes(16).toString('hex')}`;
  const url = `http://127.0.0.1:${port}`;
  const proc = startServiceProcess({
    name: 'engine',
    entry: 'apps/engine/src/main.ts',
    args: ['--role', 'all'],
    env: {
      REDIS_URL: opts.redisUrl,
      QUEUE_PREFIX: opts.queuePrefix,
      ...(opts.databaseUrl === undefined
        ? { PGLITE_DIR: opts.pgliteDir }
        : { DATABASE_URL: opts.databaseUrl }),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: opts.logLevel ?? 'warn',
      XMARGIN_ADMIN_KEY: adminKey,
      MARGIN_THRESHOLDS: (opts.thresholds ?? [0]).join(','),
      WORKER_CONCURRENCY: '4',
      ...opts.env,
    },
    ...(opts.onLine === undefined ? {} : { onLine: opts.onLine }),
  });
  const client = (key: string) =>
    createXmarginClient({ baseUrl: url, apiKey: key, timeoutMs: 15_000, retries: 2 });
  const admin = client(adminKey);
  try {
    await Promise.race([
      waitFor(
        async () => {
          const r = await admin.readiness();
          return r.status === 'ready' ? true : undefined;
        },
        { what: `engine ready at ${url}`, timeoutMs: opts.readyTimeoutMs ?? 180_000, intervalMs: 250 },
      ),
      exitedEarly(proc),
    ]);
  } catch (err) {
    await proc.stop(2_000);
    throw new Error(`${(err as Error).message}\n--- engine output ---\n${proc.output()}`, { cause: err });
  }
  return {
    url,
    adminKey,
    admin,
    process: proc,
    client,
    async createKey(role, scope) {
      const created = await admin.admin.createApiKey({
        name: `${role}${scope === undefined ? '' : ` ${scope}`}`,
        role,
        ...(scope === undefined ? {} : { scope }),
      });
      if (created.secret === undefined) throw new Error('engine returned no secret for a new API key');
      return created.secret;
    },
    stop: () => proc.stop(),
  };
}
