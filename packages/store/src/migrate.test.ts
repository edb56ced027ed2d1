import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import {
  DATABASE_URL_TEST,
  describeEachDriver,
  freshAccountId,
  uniqueSchema,
} from '../test/store-fixture.js';
import { dropSchema } from './drop-schema.js';
import { migrate } from './migrate.js';
import { migrations } from './migrations/index.js';
import { openStore } from './open-store.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

const latest = Math.max(...migrations.map((m) => m.version));

describeEachDriver('migrate', ({ store }) => {
  it('is applied on open and a no-op the second time', async () => {
    expect(await store().migrate()).toEqual({ applied: [], current: latest });
    const { rows } = await store().db.query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => Number(r.version))).toEqual(migrations.map((m) => m.version));
    expect(rows[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a migration edited after it was applied', async () => {
    const edited = migrations.map((m) => (m.version === 1 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    const err = await rejection(migrate(store().db, edited));
    expect(isAppError(err, 'LEDGER__MIGRATION_FAILED') && err.context.version).toBe(1);
  });

  it('refuses to run against a database migrated by a newer build', async () => {
    const err = await rejection(migrate(store().db, migrations.slice(0, -1)));
    expect(isAppError(err, 'LEDGER__MIGRATION_FAILED')).toBe(true);
  });

  it('applies nothing of a failing migration (one transaction)', async () => {
    const bad = {
      version: latest + 1,
      name: 'bad',
      sql: 'CREATE TABLE half_done (a int); SELECT nope FROM nowhere;',
    };
    const err = await rejection(migrate(store().db, [...migrations, bad]));
    expect(isAppError(err, 'LEDGER__MIGRATION_FAILED') && err.context.version).toBe(latest + 1);
    const { rows } = await store().db.query(
      "SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'",
    );
    expect(rows).toEqual([]);
    expect((await store().migrate()).current).toBe(latest);
  });
});

describe('migrate on Postgres', () => {
  it('is safe when several processes start together on a fresh schema', async () => {
    const schema = uniqueSchema('mig');
    const stores = await Promise.all(
      Array.from({ length: 6 }, () =>
        openStore({ url: DATABASE_URL_TEST, schema, migrate: false, poolSize: 2 }),
      ),
    );
    try {
      const results = await Promise.all(stores.map((s) => s.migrate()));
      expect(results.flatMap((r) => r.applied)).toEqual(migrations.map((m) => m.version));
      expect(results.every((r) => r.current === latest)).toBe(true);
      const id = freshAccountId();
      await stores[0]!.accounts.create({ id });
      expect((await stores[5]!.accounts.get(id))?.id).toBe(id);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await dropSchema(DATABASE_URL_TEST, schema);
    }
  });

  it('keeps schemas apart', async () => {
    const [s1, s2] = [uniqueSchema('iso'), uniqueSchema('iso')];
    const [a, b] = await Promise.all([
      openStore({ url: DATABASE_URL_TEST, schema: s1 }),
      openStore({ url: DATABASE_URL_TEST, schema: s2 }),
    ]);
    try {
      const id = freshAccountId();
      await a.accounts.create({ id });
      expect(await b.accounts.get(id)).toBeNull();
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([dropSchema(DATABASE_URL_TEST, s1), dropSchema(DATABASE_URL_TEST, s2)]);
    }
  });
});

describe('PGlite with a data directory', () => {
  // Starts PGlite twice inside the test (seconds each on a loaded machine).
  it('persists across restarts and does not migrate twice', { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'xm-store-'));
    try {
      const id = freshAccountId();
      const first = await openStore({ dataDir: join(dir, 'nested', 'db') });
      await first.accounts.create({ id, label: 'kept' });
      await first.close();
      const second = await openStore({ dataDir: join(dir, 'nested', 'db') });
      try {
        expect((await second.accounts.get(id))?.label).toBe('kept');
        expect((await second.migrate()).applied).toEqual([]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
