import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteKeysWithPrefix } from '@xmargin/jobs';
import { dropSchema, hashApiKey } from '@xmargin/store';
import { Redis } from 'ioredis';
import { createEngine, type Engine, type EngineConfig, type EngineRole } from '../create-engine.js';
import { loadEnv } from '../env.js';

export const REDIS_URL_TEST = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';
export const DATABASE_URL_TEST = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestEngine {
  readonly engine: Engine;
  readonly prefix: string;
  readonly schema: string | undefined;
  readonly adminKey: string;
  /** Creates an API key of a role (and scope for protocol keys); returns the bearer secret. */
  key(
    role: 'protocol' | 'relayer' | 'oracle' | 'admin' | 'liquidator' | 'operator',
    scope?: string,
  ): Promise<string>;
  close(): Promise<void>;
}

export interface StartTestEngineOptions {
  readonly role?: EngineRole;
  readonly db?: 'postgres' | 'pglite';
  readonly env?: Record<string, string>;
  readonly config?: Partial<Omit<EngineConfig, 'env' | 'role'>>;
  /** Reuse an existing prefix/schema (a second process-like engine on the same data). */
  readonly share?: { prefix: string; schema: string | undefined; pgliteDir?: string };
}

export function testIds(label: string): { prefix: string; schema: string } {
  const suffix = randomBytes(4).toString('hex');
  return { prefix: `test-${label}-${suffix}`, schema: `test_${label.replace(/[^a-z0-9]/g, '_')}_${suffix}` };
}

/** An engine on real Redis and a real database, isolated by queue prefix and Postgres schema. */
export async function startTestEngine(
  label: string,
  options: StartTestEngineOptions = {},
): Promise<TestEngine> {
  const fresh = testIds(label);
  const ids = {
    prefix: options.share?.prefix ?? fresh.prefix,
    schema: options.share?.schema ?? fresh.schema,
  };
  const db = options.db ?? 'postgres';
  const adminKey = `xm_admin_${randomBytes(16).toString('hex')}`;
  const pgliteDir =
    db === 'pglite'
      ? (options.share?.pgliteDir ?? mkdtempSync(join(tmpdir(), 'xmargin-pglite-')))
      : undefined;
  const env = loadEnv({
    REDIS_URL: REDIS_URL_TEST,
    QUEUE_PREFIX: ids.prefix,
    XMARGIN_ADMIN_KEY: adminKey,
    WORKER_CONCURRENCY: '4',
    // Test webhook endpoints listen on loopback.
    WEBHOOK_ALLOW_PRIVATE: 'true',
    // Several worker-role engines run at once in tests: each takes a free ops port.
    OPS_PORT: '0',
    ...(db === 'postgres' ? { DATABASE_URL: DATABASE_URL_TEST } : { PGLITE_DIR: pgliteDir ?? '' }),
    ...options.env,
  });
  const engine = await createEngine({
    env,
    role: options.role ?? 'api',
    logger: false,
    ...(db === 'postgres' ? { dbSchema: ids.schema } : {}),
    ...options.config,
  });
  let n = 0;
  return {
    engine,
    prefix: ids.prefix,
    schema: db === 'postgres' ? ids.schema : undefined,
    adminKey,
    async key(role, scope) {
      const secret = `xm_${role}_${randomBytes(16).toString('hex')}`;
      await engine.context.store.apiKeys.create({
        id: `key_test_${role}_${n++}_${randomBytes(3).toString('hex')}`,
        name: `test ${role}`,
        role,
        scope: scope ?? null,
        keyHash: hashApiKey(secret),
      });
      return secret;
    },
    async close() {
      const queues = Object.values(engine.context.producers.queues);
      for (const q of queues) await q.obliterate({ force: true }).catch(() => undefined);
      await engine.close();
      if (options.share) return;
      await deletePrefix(ids.prefix);
      if (db === 'postgres') await dropSchema(DATABASE_URL_TEST, ids.schema);
      if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
    },
  };
}

export async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL_TEST, { maxRetriesPerRequest: null });
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
