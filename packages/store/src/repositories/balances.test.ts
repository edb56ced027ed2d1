import type { AccountId, CollateralObservation, UniversalAddress } from '@xmargin/core';
import { isAppError } from '@xmargin/errors';
import { expect, it } from 'vitest';
import { describeEachDriver } from '../../test/store-fixture.js';

const HOLDER = `0x${'0'.repeat(24)}${'aa'.repeat(20)}` as UniversalAddress;
const TOKEN = `0x${'0'.repeat(24)}${'bb'.repeat(20)}` as UniversalAddress;

const obs = (account: AccountId, over: Partial<CollateralObservation> = {}): CollateralObservation => ({
  chain: 'ethereum',
  account,
  asset: 'WETH',
  token: TOKEN,
  holder: HOLDER,
  amount: 1n,
  decimals: 18,
  height: 100n,
  blockHash: '0xblock100',
  source: 'indexer',
  observedAt: 1_700_000_000,
  ref: '0xtx:0',
  ...over,
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describeEachDriver('balances', ({ store, account }) => {
  it('round-trips u256 amounts exactly (2^255 and 2^256-1)', async () => {
    const acc = await account();
    const big = 2n ** 255n;
    const r = await store().balances.upsert(obs(acc, { amount: big }));
    expect(r.balance.amount).toBe(big);
    await store().balances.upsert(obs(acc, { asset: 'USDC', amount: 2n ** 256n - 1n, height: 2n ** 62n }));
    const rows = await store().balances.listByAccount(acc);
    expect(rows.map((b) => [b.asset, b.amount, b.height])).toEqual([
      ['USDC', 2n ** 256n - 1n, 2n ** 62n],
      ['WETH', big, 100n],
    ]);
    expect(typeof rows[0]?.amount).toBe('bigint');
  });

  it('refuses amounts outside u256 and negative heights with LEDGER__INVALID_INPUT', async () => {
    const acc = await account();
    for (const bad of [
      obs(acc, { amount: 2n ** 256n }),
      obs(acc, { amount: -1n }),
      obs(acc, { height: -1n }),
    ]) {
      const err = await rejection(store().balances.upsert(bad));
      expect(isAppError(err, 'LEDGER__INVALID_INPUT')).toBe(true);
    }
    expect(await store().balances.listByAccount(acc)).toEqual([]);
  });

  it('applies only observations not older than the stored one', async () => {
    const acc = await account();
    expect((await store().balances.upsert(obs(acc, { amount: 10n, height: 100n }))).applied).toBe(true);
    const stale = await store().balances.upsert(obs(acc, { amount: 99n, height: 99n }));
    expect(stale.applied).toBe(false);
    expect(stale.balance.amount).toBe(10n);
    expect(stale.balance.height).toBe(100n);
    // Same height, later ordinal (second event of the block) wins; an earlier ordinal does not.
    expect(
      (await store().balances.upsert({ ...obs(acc, { amount: 11n, height: 100n }), ordinal: 5n })).applied,
    ).toBe(true);
    expect(
      (await store().balances.upsert({ ...obs(acc, { amount: 12n, height: 100n }), ordinal: 4n })).applied,
    ).toBe(false);
    const newer = await store().balances.upsert(obs(acc, { amount: 20n, height: 101n }));
    expect(newer.applied).toBe(true);
    expect((await store().balances.listByAccount(acc)).map((b) => b.amount)).toEqual([20n]);
  });

  it('re-delivering the same observation is idempotent', async () => {
    const acc = await account();
    await store().balances.upsert(obs(acc, { amount: 10n }));
    const again = await store().balances.upsert(obs(acc, { amount: 10n }));
    expect(again.applied).toBe(true);
    expect((await store().balances.listByAccount(acc)).map((b) => b.amount)).toEqual([10n]);
  });

  it('keeps one balance per (account, chain, asset, source, holder)', async () => {
    const acc = await account();
    const other = `0x${'0'.repeat(24)}${'cc'.repeat(20)}`;
    await store().balances.upsert(obs(acc, { amount: 1n }));
    await store().balances.upsert(obs(acc, { amount: 2n, source: 'vaa' }));
    await store().balances.upsert(obs(acc, { amount: 3n, chain: 'solana' }));
    await store().balances.upsert({ ...obs(acc, { amount: 4n }), holder: other });
    expect(
      (await store().balances.listByAccount(acc)).map((b) => `${b.chain}/${b.source}/${b.amount}`),
    ).toEqual(['ethereum/indexer/1', 'ethereum/indexer/4', 'ethereum/vaa/2', 'solana/indexer/3']);
  });

  it('reads several accounts in one query, each as listByAccount returns it', async () => {
    const a = await account();
    const b = await account();
    const empty = await account();
    await store().balances.upsert(obs(a, { amount: 1n }));
    await store().balances.upsert(obs(a, { amount: 3n, chain: 'solana' }));
    await store().balances.upsert(obs(a, { amount: 2n, source: 'vaa' }));
    await store().balances.upsert(obs(b, { amount: 7n }));
    const many = await store().balances.listByAccounts([b, empty, a, a]);
    expect([...many.keys()]).toEqual([b, empty, a]);
    expect(many.get(a)).toEqual(await store().balances.listByAccount(a));
    expect(many.get(b)?.map((x) => x.amount)).toEqual([7n]);
    expect(many.get(empty)).toEqual([]);
    expect((await store().balances.listByAccounts([])).size).toBe(0);
  });

  it('rolls back a reorg: drops observations above the height and restores the prior balance', async () => {
    const acc = await account();
    const chain = `reorgchain${acc.slice(4, 10)}`;
    await store().balances.upsert(obs(acc, { chain, amount: 10n, height: 100n }));
    await store().balances.upsert(obs(acc, { chain, amount: 15n, height: 105n }));
    await store().balances.upsert(obs(acc, { chain, amount: 30n, height: 110n }));
    await store().balances.upsert(obs(acc, { chain, asset: 'USDC', amount: 7n, height: 108n })); // only above
    await store().balances.upsert(obs(acc, { chain, asset: 'DAI', amount: 5n, height: 50n })); // untouched
    const res = await store().balances.rollback({ chain, aboveHeight: 105n });
    expect(res).toEqual({ rolledBack: 2, restored: 1 });
    const after = await store().balances.listByAccount(acc);
    expect(after.map((b) => [b.asset, b.amount, b.height])).toEqual([
      ['DAI', 5n, 50n],
      ['WETH', 15n, 105n],
    ]);
    // The dropped height can be observed again (the new fork's block).
    expect((await store().balances.upsert(obs(acc, { chain, amount: 16n, height: 106n }))).applied).toBe(
      true,
    );
  });

  it('rollback limited to some sources leaves the others', async () => {
    const acc = await account();
    const chain = `srcchain${acc.slice(4, 10)}`;
    await store().balances.upsert(obs(acc, { chain, amount: 1n, height: 10n }));
    await store().balances.upsert(obs(acc, { chain, amount: 2n, height: 10n, source: 'vaa' }));
    const res = await store().balances.rollback({ chain, aboveHeight: 5n, sources: ['indexer'] });
    expect(res).toEqual({ rolledBack: 1, restored: 0 });
    expect((await store().balances.listByAccount(acc)).map((b) => b.source)).toEqual(['vaa']);
  });

  it('ingests a poll atomically: rollback, observations, cursor', async () => {
    const acc = await account();
    const chain = `pollchain${acc.slice(4, 10)}`;
    const first = await store().balances.ingestPoll({
      observations: [
        obs(acc, { chain, amount: 1n, height: 10n }),
        obs(acc, { chain, amount: 2n, height: 12n }),
      ],
      cursor: { chain, height: 12n, blockHash: '0x12' },
    });
    expect(first).toEqual({ applied: 2, stale: 0, rolledBack: 0 });
    expect((await store().cursors.get(chain))?.height).toBe(12n);
    const second = await store().balances.ingestPoll({
      rollbackTo: { chain, height: 10n, blockHash: '0x10' },
      observations: [
        obs(acc, { chain, amount: 3n, height: 11n }),
        obs(acc, { chain, amount: 0n, height: 9n }),
      ],
      cursor: { chain, height: 11n, blockHash: '0x11b' },
    });
    expect(second).toEqual({ applied: 1, stale: 1, rolledBack: 1 });
    expect((await store().balances.listByAccount(acc)).map((b) => b.amount)).toEqual([3n]);
    expect(await store().cursors.get(chain)).toMatchObject({ height: 11n, blockHash: '0x11b' });

    // A failing observation (unknown account) leaves neither balances nor the cursor moved.
    const err = await rejection(
      store().balances.ingestPoll({
        observations: [
          obs(acc, { chain, amount: 4n, height: 13n }),
          obs('acc_nobody' as AccountId, { chain }),
        ],
        cursor: { chain, height: 13n, blockHash: '0x13' },
      }),
    );
    expect(isAppError(err, 'LEDGER__NOT_FOUND')).toBe(true);
    expect((await store().balances.listByAccount(acc)).map((b) => b.amount)).toEqual([3n]);
    expect((await store().cursors.get(chain))?.height).toBe(11n);
  });

  it('finds the accounts holding an asset', async () => {
    const a = await account();
    const b = await account();
    const asset = `X${a.slice(4, 10)}`;
    await store().balances.upsert(obs(a, { asset, amount: 5n }));
    await store().balances.upsert(obs(b, { asset, amount: 0n }));
    expect(await store().balances.accountsHoldingAssets([asset, 'NOPE'])).toEqual([a]);
  });
});
