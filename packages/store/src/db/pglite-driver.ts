import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { AppError } from '@xmargin/errors';
import { classifyDbError } from './classify-error.js';
import { isValidSchemaName, normalizeParams } from './params.js';
import type { Db, Executor, QueryResult } from './types.js';

export interface CreatePgliteDbParameters {
  /** Directory of the database files; in memory when undefined. */
  dataDir?: string;
  /** Schema for every unqualified name (created if missing, then set as search_path). */
  schema?: string;
}

function executorFor(target: PGlite | Transaction): Executor {
  return {
    async query<R extends object>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      try {
        const res = await target.query<R>(sql, normalizeParams(params));
        // As node-postgres: a SELECT counts the rows it returned (PGlite reports 0 affected rows for it).
        return { rows: res.rows, rowCount: Math.max(res.affectedRows ?? 0, res.rows.length) };
      } catch (err) {
        throw classifyDbError(err);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await target.exec(sql);
      } catch (err) {
        throw classifyDbError(err);
      }
    },
  };
}

/** A `Db` over an in-process PGlite instance (one connection; PGlite serializes transactions itself). */
export async function createPgliteDb({ dataDir, schema }: CreatePgliteDbParameters = {}): Promise<Db> {
  if (schema !== undefined && !isValidSchemaName(schema)) {
    throw new AppError('LEDGER__INVALID_INPUT', {
      context: { field: 'schema', reason: 'expected [a-z_][a-z0-9_]{0,62}' },
    });
  }
  let instance: PGlite;
  try {
    // PGlite creates the data directory itself but not its parents (e.g. ./.xmargin/db on a fresh clone).
    if (dataDir !== undefined && !dataDir.includes('://')) await mkdir(dataDir, { recursive: true });
    instance = await PGlite.create(dataDir === undefined ? {} : { dataDir });
    if (schema !== undefined) {
      // One session for the whole instance, so setting search_path once covers every later query.
      await instance.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema};`);
    }
  } catch (err) {
    throw new AppError('LEDGER__UNAVAILABLE', {
      context: { reason: `PGlite failed to start: ${err instanceof Error ? err.message : String(err)}` },
      cause: err,
    });
  }
  const base = executorFor(instance);

  return {
    driver: 'pglite',
    schema,
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
      // The caller's own errors pass through untouched; PGlite's (BEGIN/COMMIT, closed) get classified.
      let fromCaller = false;
      try {
        return await instance.transaction(async (tx) => {
          try {
            return await fn(executorFor(tx));
          } catch (err) {
            fromCaller = true;
            throw err;
          }
        });
      } catch (err) {
        throw fromCaller ? err : classifyDbError(err);
      }
    },
    async close(): Promise<void> {
      if (!instance.closed) await instance.close();
    },
  };
}
