import { AppError } from '@xmargin/errors';
import pg from 'pg';
import { classifyDbError } from './classify-error.js';
import { isValidSchemaName, normalizeParams } from './params.js';
import type { Db, Executor, QueryResult } from './types.js';

export interface CreatePgDbParameters {
  /** postgres:// connection string. */
  url: string;
  /** Schema for every unqualified name (set as the connections' search_path). */
  schema?: string;
  /** Pool size (default 10). */
  poolSize?: number;
}

function executorFor(client: pg.Pool | pg.PoolClient): Executor {
  return {
    async query<R extends object>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      try {
        const res = await client.query(sql, normalizeParams(params));
        return { rows: res.rows as R[], rowCount: res.rowCount ?? 0 };
      } catch (err) {
        throw classifyDbError(err);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        // Without parameters pg uses the simple query protocol, which accepts several statements.
        await client.query(sql);
      } catch (err) {
        throw classifyDbError(err);
      }
    },
  };
}

/** A `Db` over a `pg` connection pool. */
export function createPgDb({ url, schema, poolSize = 10 }: CreatePgDbParameters): Db {
  if (schema !== undefined && !isValidSchemaName(schema)) {
    throw new AppError('LEDGER__INVALID_INPUT', {
      context: { field: 'schema', reason: 'expected [a-z_][a-z0-9_]{0,62}' },
    });
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // search_path is a connection setting: every pooled connection gets it at start-up.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener Node would
  // crash the process. The pool drops that client and the next query reconnects (or fails, classified).
  pool.on('error', () => {});
  const base = executorFor(pool);
  let closed = false;

  return {
    driver: 'pg',
    schema,
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw classifyDbError(err);
      }
      const tx = executorFor(client);
      let broken: unknown;
      try {
        await tx.exec('BEGIN');
        const result = await fn(tx);
        await tx.exec('COMMIT');
        return result;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch (rollbackErr) {
          // The connection is unusable: destroy it instead of returning it to the pool.
          broken = rollbackErr;
        }
        // Queries and BEGIN/COMMIT are classified already; anything else is the caller's own error.
        throw err;
      } finally {
        client.release(broken instanceof Error ? broken : broken === undefined ? undefined : true);
      }
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
