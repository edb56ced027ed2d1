import { AppError } from '@xmargin/errors';
import { isValidSchemaName } from './db/params.js';
import { createPgDb } from './db/pg-driver.js';

/**
 * Drops a schema and everything in it from a Postgres server. Meant for tests that isolate themselves in
 * a schema of their own (`openStore({ url, schema })`); refuses `public`.
 */
export async function dropSchema(url: string, schema: string): Promise<void> {
  if (!isValidSchemaName(schema) || schema === 'public') {
    throw new AppError('LEDGER__INVALID_INPUT', {
      context: { field: 'schema', reason: 'expected a test schema name other than public' },
    });
  }
  const db = createPgDb({ url, poolSize: 1 });
  try {
    await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await db.close();
  }
}
