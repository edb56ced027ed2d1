import type { AccountId } from '@xmargin/core';
import { isAppError } from '@xmargin/errors';
import { expect, it } from 'vitest';
import { describeEachDriver } from '../../test/store-fixture.js';
import type { BalanceUpdate } from './balances.js';

let keyCounter = 0;
const replayKey = (): string => `0x${(Date.now() * 1000 + ++keyCounter).toString(16).padStart(64, '0')}`;
const HOLDER = `0x${'0'.repeat(24)}${'ab'.repeat(20)}`;
const TOKEN = `0x${'0'.repeat(24)}${'cd'.repeat(20)}`;

const balance = (
  account: AccountId,
  source: 'vaa' | 'query',
  amount: bigint,
  height: bigint,
  ordinal = 0n,
): BalanceUpdate => ({
  account,
  chain: 'ethereum',
  asset: 'USDC',
  source,
  holder: HOLDER,
  token: TOKEN,
  amount,
  decimals: 6,
  height,
  ordinal,
  observedAt: 1_700_000_000,
});

const counted = async (store: () => import('../store.js').Store, acc: AccountId) =>
  Object.fromEntries(
    (await store().balances.listByAccount(acc)).map((b) => [b.source, [b.amount, b.provedAmount]]),
  );

describeEachDriver(
  'wallet proofs and vault deposits (same funds never counted twice)',
  ({ store, account }) => {
    it('a vault deposit makes an older wallet proof of the token count zero until re-proved at or after it', async () => {
      const acc = await account();
      const apply = (u: BalanceUpdate) =>
        store().attestations.apply({
          replayKey: replayKey(),
          kind: u.source as 'vaa' | 'query',
          account: acc,
          balances: [u],
        });
      // 1,000 USDC proved in the wallet at block 100, then deposited into the vault at block 101.
      await apply(balance(acc, 'query', 1_000_000_000n, 100n));
      expect(await counted(store, acc)).toEqual({ query: [1_000_000_000n, 1_000_000_000n] });
      await apply(balance(acc, 'vaa', 1_000_000_000n, 101n, 1n));
      expect(await counted(store, acc)).toEqual({
        query: [0n, 1_000_000_000n],
        vaa: [1_000_000_000n, 1_000_000_000n],
      });
      const [wallet] = (await store().balances.listByAccount(acc)).filter((b) => b.source === 'query');
      expect(wallet?.supersededAtHeight).toBe(101n);
      // Re-proved at the deposit height: the wallet counts again, with what it holds now.
      await apply(balance(acc, 'query', 0n, 101n));
      expect(await counted(store, acc)).toEqual({ query: [0n, 0n], vaa: [1_000_000_000n, 1_000_000_000n] });
      await apply(balance(acc, 'query', 250_000_000n, 105n));
      expect((await counted(store, acc)).query).toEqual([250_000_000n, 250_000_000n]);
    });

    it('a wallet proof from before a vault observation it arrives after counts zero too', async () => {
      const acc = await account();
      const apply = (u: BalanceUpdate) =>
        store().attestations.apply({
          replayKey: replayKey(),
          kind: u.source as 'vaa' | 'query',
          account: acc,
          balances: [u],
        });
      await apply(balance(acc, 'vaa', 1_000_000_000n, 200n, 1n));
      await apply(balance(acc, 'query', 1_000_000_000n, 199n));
      expect((await counted(store, acc)).query).toEqual([0n, 1_000_000_000n]);
    });

    it('a different attestation with the same (height, vault nonce) does not overwrite the balance', async () => {
      const acc = await account();
      const first = replayKey();
      await store().attestations.apply({
        replayKey: first,
        kind: 'vaa',
        account: acc,
        balances: [balance(acc, 'vaa', 5_000_000n, 300n, 7n)],
      });
      const err = await store()
        .attestations.apply({
          replayKey: replayKey(),
          kind: 'vaa',
          account: acc,
          balances: [balance(acc, 'vaa', 9_000_000_000n, 300n, 7n)],
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(isAppError(err, 'LEDGER__STALE_OBSERVATION')).toBe(true);
      const [bal] = await store().balances.listByAccount(acc);
      expect(bal?.amount).toBe(5_000_000n);
      expect(bal?.replayKey).toBe(first);
      // An indexer re-delivering its own observation (no replay key) stays idempotent.
      const indexed = { ...balance(acc, 'vaa', 1n, 1n), source: 'indexer' as const, chain: 'other' };
      expect((await store().balances.upsert(indexed)).applied).toBe(true);
      expect((await store().balances.upsert(indexed)).applied).toBe(true);
    });
  },
);
