import { randomBytes } from 'node:crypto';
import { type AccountId, accountId } from '@xmargin/core';
import { afterAll, beforeAll, describe } from 'vitest';
import type { DriverName } from '../src/db/types.js';
import { dropSchema } from '../src/drop-schema.js';
import { openStore } from '../src/open-store.js';
import type { Store } from '../src/store.js';

/** Real Postgres on loopback (trust auth), overridable for CI. */
export const DATABASE_URL_TEST = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema no other test file (or concurrent run) uses. */
export const uniqueSchema = (prefix = 't'): string => `xm_${prefix}_${randomBytes(5).toString('hex')}`;

let counter = 0;
/** A fresh account id, so tests sharing one store per file never see each other's rows. */
export const freshAccountId = (): AccountId =>
  accountId(`acc_${randomBytes(3).toString('hex')}_${++counter}`);

export interface DriverContext {
  readonly driver: DriverName;
  /** The store shared by the tests of this block (opened once: PGlite takes seconds to start). */
  store(): Store;
  /** A new account in the store. */
  account(): Promise<AccountId>;
}

/**
 * Runs the same suite against both drivers: PGlite in memory, and real Postgres in a schema of its own
 * that is dropped afterwards.
 */
export function describeEachDriver(title: string, body: (ctx: DriverContext) => void): void {
  for (const driver of ['pglite', 'pg'] as const) {
    describe(`${title} [${driver}]`, () => {
      let store: Store | undefined;
      const schema = uniqueSchema(driver);
      beforeAll(async () => {
        store = driver === 'pg' ? await openStore({ url: DATABASE_URL_TEST, schema }) : await openStore();
      });
      afterAll(async () => {
        await store?.close();
        if (driver === 'pg') await dropSchema(DATABASE_URL_TEST, schema);
      });
      const ctx: DriverContext = {
        driver,
        store: () => {
          if (!store) throw new Error('store not open yet');
          return store;
        },
        async account() {
          const id = freshAccountId();
          await ctx.store().accounts.create({ id });
          return id;
        },
      };
      body(ctx);
    });
  }
}
