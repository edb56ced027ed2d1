import { createPgDb } from './db/pg-driver.js';
import { createPgliteDb } from './db/pglite-driver.js';
import type { Db } from './db/types.js';
import { createStore, type Store } from './store.js';

export interface OpenStoreOptions {
  /** postgres:// URL: use a Postgres server through `pg`. When absent, PGlite runs in-process. */
  readonly url?: string;
  /** PGlite data directory (ignored with `url`); in memory when absent as well. */
  readonly dataDir?: string;
  /** Schema for all tables ([a-z_][a-z0-9_]*), created when missing; e.g. one per test file. */
  readonly schema?: string;
  /** Apply pending migrations before returning (default true). */
  readonly migrate?: boolean;
  /** pg pool size (default 10). */
  readonly poolSize?: number;
}

/**
 * Opens the ledger: Postgres when `url` is given, otherwise embedded PGlite (same SQL, same migrations),
 * and brings the schema up to date. Close it with `store.close()`.
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<Store> {
  const { url, dataDir, schema, poolSize } = options;
  const db: Db =
    url !== undefined
      ? createPgDb({
          url,
          ...(schema === undefined ? {} : { schema }),
          ...(poolSize === undefined ? {} : { poolSize }),
        })
      : await createPgliteDb({
          ...(dataDir === undefined ? {} : { dataDir }),
          ...(schema === undefined ? {} : { schema }),
        });
  const store = createStore(db);
  if (options.migrate !== false) {
    try {
      await store.migrate();
    } catch (err) {
      await db.close().catch(() => {});
      throw err;
    }
  }
  return store;
}
