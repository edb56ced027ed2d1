import { isAppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import { dropSchema } from '../drop-schema.js';
import { openStore } from '../open-store.js';
import { classifyDbError } from './classify-error.js';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('driver error classification', () => {
  it('an unreachable Postgres is LEDGER__UNAVAILABLE', async () => {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    const err = await rejection(
      openStore({ url: 'postgres://postgres@127.0.0.1:1/test', schema: 'xm_none' }),
    );
    expect(isAppError(err, 'LEDGER__UNAVAILABLE')).toBe(true);
  });

  it('an SQL error is LEDGER__QUERY_FAILED with its SQLSTATE; a closed PGlite is LEDGER__UNAVAILABLE', {
    timeout: 60_000,
  }, async () => {
    // One PGlite instance for both checks: it takes seconds to start.
    const store = await openStore({ migrate: false });
    try {
      const err = await rejection(store.db.query('SELECT * FROM no_such_table'));
      expect(isAppError(err, 'LEDGER__QUERY_FAILED') && err.context.sqlState).toBe('42P01');
    } finally {
      await store.close();
    }
    expect(isAppError(await rejection(store.ping()), 'LEDGER__UNAVAILABLE')).toBe(true);
  });

  it('refuses schema names that are not plain identifiers', async () => {
    for (const schema of ['Bad-Name', 'x; DROP TABLE y', '']) {
      const err = await rejection(openStore({ url: 'postgres://postgres@127.0.0.1:5432/test', schema }));
      expect(isAppError(err, 'LEDGER__INVALID_INPUT')).toBe(true);
    }
    expect(
      isAppError(
        await rejection(dropSchema('postgres://postgres@127.0.0.1:5432/test', 'public')),
        'LEDGER__INVALID_INPUT',
      ),
    ).toBe(true);
  });

  it('passes AppErrors through and maps SQLSTATE classes', () => {
    expect(classifyDbError({ code: '23505', table: 'accounts', detail: 'Key (id)=(a) exists' }).code).toBe(
      'LEDGER__CONFLICT',
    );
    expect(classifyDbError({ code: '23503', table: 'balances' }).code).toBe('LEDGER__NOT_FOUND');
    expect(classifyDbError({ code: '22003', message: 'numeric field overflow' }).code).toBe(
      'LEDGER__INVALID_INPUT',
    );
    expect(classifyDbError({ code: '57P01', message: 'terminating connection' }).code).toBe(
      'LEDGER__UNAVAILABLE',
    );
    expect(
      classifyDbError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).code,
    ).toBe('LEDGER__UNAVAILABLE');
    const app = classifyDbError({ code: '40001' });
    expect(classifyDbError(app)).toBe(app);
  });
});
