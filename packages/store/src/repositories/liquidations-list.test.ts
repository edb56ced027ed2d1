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
