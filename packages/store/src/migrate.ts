import { createHash } from 'node:crypto';
import { AppError, isAppError } from '@xmargin/errors';
import type { Db } from './db/types.js';
import { migrations as allMigrations } from './migrations/index.js';
import type { Migration } from './migrations/migration.js';

export interface MigrateResult {
  /** Versions applied by this call (empty when the schema was already current). */
  readonly applied: readonly number[];
  /** Highest version now in place. */
  readonly current: number;
}

const checksum = (sql: string): string => createHash('sha256').update(sql).digest('hex');

function failed(version: number, reason: string, cause?: unknown): AppError<'LEDGER__MIGRATION_FAILED'> {
  return new AppError('LEDGER__MIGRATION_FAILED', {
    context: { version, reason },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Brings the schema to the latest version in one transaction. On Postgres, an advisory lock keyed by the
 * schema makes processes that start together queue up: the first applies, the others find nothing to do.
 * Running it again is a no-op; an applied migration whose SQL changed is refused.
 */
export async function migrate(
  db: Db,
  migrations: readonly Migration[] = allMigrations,
): Promise<MigrateResult> {
  const schema = db.schema ?? 'public';
  try {
    return await db.transaction(async (tx) => {
      // PGlite is one in-process connection: there is nobody to race with.
      if (db.driver === 'pg') {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`xmargin:migrate:${schema}`]);
        // Inside the lock: concurrent CREATE SCHEMA IF NOT EXISTS can still collide on the catalog.
        if (db.schema !== undefined) await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${db.schema}`);
      }
      await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version     INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        checksum    TEXT NOT NULL,
        applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
      const { rows } = await tx.query<{ version: number; checksum: string }>(
        'SELECT version, checksum FROM schema_migrations ORDER BY version',
      );
      const done = new Map(rows.map((r) => [Number(r.version), r.checksum]));
      const known = new Set(migrations.map((m) => m.version));
      for (const v of done.keys()) {
        if (!known.has(v))
          throw failed(v, 'database has a migration this build does not know (newer build?)');
      }
      const applied: number[] = [];
      for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
        const sum = checksum(m.sql);
        const prior = done.get(m.version);
        if (prior !== undefined) {
          if (prior !== sum) throw failed(m.version, `migration ${m.name} was edited after it was applied`);
          continue;
        }
        try {
          await tx.exec(m.sql);
        } catch (err) {
          throw failed(m.version, err instanceof Error ? err.message : String(err), err);
        }
        await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          sum,
        ]);
        applied.push(m.version);
      }
      const current = Math.max(0, ...done.keys(), ...applied);
      return { applied, current };
    });
  } catch (err) {
    if (isAppError(err, 'LEDGER__MIGRATION_FAILED') || isAppError(err, 'LEDGER__UNAVAILABLE')) throw err;
    throw failed(0, err instanceof Error ? err.message : String(err), err);
  }
}
