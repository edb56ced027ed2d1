import { randomBytes } from 'node:crypto';
import { createXmarginClient, type XmarginClient } from '@xmargin/client';
import { createEngine, type Engine, loadEnv } from '@xmargin/engine';
import { deleteKeysWithPrefix } from '@xmargin/jobs';
import { dropSchema } from '@xmargin/store';

const REDIS_URL_TEST = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';
const DATABASE_URL_TEST = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestEngine {
  readonly engine: Engine;
  readonly url: string;
  /** Client with the bootstrap admin key. */
  readonly admin: XmarginClient;
  /** A client holding a fresh key of `role`, created through the admin API. */
  client(role: 'protocol' | 'relayer' | 'oracle' | 'admin', scope?: string): Promise<XmarginClient>;
  close(): Promise<void>;
}

/**
 * The real engine (API and workers) on real Redis and Postgres, isolated by a random queue prefix and
 * Postgres schema that are removed afterwards.
 */
export async function startTestEngine(
  label: string,
  opts: { port?: number; now?: () => number } = {},
): Promise<TestEngine> {
  const suffix = randomBytes(4).toString('hex');
  const prefix = `test-relayer-${label}-${suffix}`;
  const schema = `test_relayer_${label.replace(/[^a-z0-9]/g, '_')}_${suffix}`;
  const adminKey = `xm_admin_${randomBytes(16).toString('hex')}`;
  const env = loadEnv({
    REDIS_URL: REDIS_URL_TEST,
    DATABASE_URL: DATABASE_URL_TEST,
    QUEUE_PREFIX: prefix,
    XMARGIN_ADMIN_KEY: adminKey,
    WORKER_CONCURRENCY: '2',
  });
  const engine = await createEngine({
    env,
    role: 'all',
    logger: false,
    dbSchema: schema,
    ...(opts.now ? { now: opts.now } : {}),
  });
  const url = await engine.listen(opts.port ?? 0);
  const admin = createXmarginClient({ baseUrl: url, apiKey: adminKey });
  return {
    engine,
    url,
    admin,
    async client(role, scope) {
      const key = await admin.admin.createApiKey({
        name: `relayer test ${role}`,
        role,
        ...(scope === undefined ? {} : { scope }),
      });
      return createXmarginClient({ baseUrl: url, apiKey: key.secret ?? '' });
    },
    async close() {
      const { redis, producers } = engine.context;
      for (const q of Object.values(producers.queues))
        await q.obliterate({ force: true }).catch(() => undefined);
      await deleteKeysWithPrefix(redis, prefix);
      await engine.close();
      await dropSchema(DATABASE_URL_TEST, schema);
    },
  };
}
