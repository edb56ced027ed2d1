import type { AccountId } from '@xmargin/core';
import { expect, it } from 'vitest';
import { describeEachDriver } from '../../test/store-fixture.js';

describeEachDriver('liquidations.list', ({ store }) => {
  it('pages by id oldest first, or newest first with the cursor going to older auctions', async () => {
    // One ongoing auction per account: three accounts.
    for (const n of [1, 2, 3]) {
      const account = `acc_list_${n}` as AccountId;
      await store().accounts.create({ id: account });
      await store().liquidations.insertAuction({
        id: `auc_${n}`,
        account,
        paramsVersion: null,
        params: {},
        kind: 'solvent',
        startTime: 1,
        phaseStart: 1,
        cachedMM: 0,
        startMtM: 0,
        startMM: 0,
        startBM: 0,
        fee: 0n,
      });
    }
    const ids = async (p: Parameters<ReturnType<typeof store>['liquidations']['list']>[0]) =>
      (await store().liquidations.list(p)).map((a) => a.id);
    expect(await ids({ limit: 2 })).toEqual(['auc_1', 'auc_2']);
    expect(await ids({ after: 'auc_2' })).toEqual(['auc_3']);
    expect(await ids({ newestFirst: true, limit: 2 })).toEqual(['auc_3', 'auc_2']);
    expect(await ids({ newestFirst: true, after: 'auc_2' })).toEqual(['auc_1']);
    expect(await ids({ newestFirst: true, status: 'ended' })).toEqual([]);
  });
});

describeEachDriver('liquidations.lockAccount', ({ store }) => {
  // PGlite used to report 0 rows for SELECT ... FOR UPDATE, so every sweep on the embedded database
  // failed with LEDGER__NOT_FOUND and no auction ever started outside Postgres.
  it('finds an existing account and not a missing one, on every driver', async () => {
    const account = 'acc_lock_1' as AccountId;
    await store().accounts.create({ id: account });
    await store().transaction(async (tx) => {
      expect(await tx.liquidations.lockAccount(account)).toBe(true);
      expect(await tx.liquidations.lockAccount('acc_lock_missing' as AccountId)).toBe(false);
    });
    const { rowCount } = await store().db.query('SELECT id FROM accounts WHERE id = $1', [account]);
    expect(rowCount).toBe(1);
  });
});
