import type { AccountId, CollateralObservation, UniversalAddress } from '@xmargin/core';
import { isAppError } from '@xmargin/errors';
import { expect, it } from 'vitest';
import { describeEachDriver } from '../../test/store-fixture.js';

const HOLDER = `0x${'0'.repeat(24)}${'aa'.repeat(20)}` as UniversalAddress;
const TOKEN = `0x${'0'.repeat(24)}${'bb'.repeat(20)}` as UniversalAddress;
const HOUR = 3_600_000;

const obs = (account: AccountId, over: Partial<CollateralObservation> = {}): CollateralObservation => ({
  chain: 'evm-devnet',
  account,
  asset: 'USDC',
  token: TOKEN,
  holder: HOLDER,
  amount: 100n,
  decimals: 6,
  height: 100n,
  blockHash: '0xblock100',
  source: 'indexer',
  observedAt: 1_700_000_000,
  ref: '0xtx:0',
  ...over,
});

const reservation = (
  account: AccountId,
  amount: bigint,
  requestKey: string,
  expiresAt = new Date(Date.now() + HOUR),
) => ({
  account,
  kind: 'authorised' as const,
  chain: 'evm-devnet',
  asset: 'USDC',
  holder: HOLDER,
  token: TOKEN,
  amount,
  recipient: HOLDER,
  deadline: 1_700_003_600n,
  expiresAt,
  requestKey,
});

describeEachDriver('withdrawal reservations', ({ store, account }) => {
  it('count as withdrawn in every listed vault balance (both sources), never in wallet balances', async () => {
    const acc = await account();
    await store().balances.upsert(obs(acc));
    await store().balances.upsert(obs(acc, { source: 'vaa' }));
    await store().balances.upsert(obs(acc, { source: 'query', holder: TOKEN, amount: 5n }));
    const r = await store().withdrawalReservations.create(reservation(acc, 30n, 'req-1'));
    await store().withdrawalReservations.create(reservation(acc, 20n, 'req-2'));
    const net = (rows: { source: string; amount: bigint; reserved: bigint }[]) =>
      rows.map((b) => [b.source, b.amount, b.reserved]);
    expect(net(await store().balances.listByAccount(acc))).toEqual([
      ['indexer', 50n, 50n],
      ['query', 5n, 0n],
      ['vaa', 50n, 50n],
    ]);
    expect(net((await store().balances.listByAccounts([acc])).get(acc) ?? [])).toEqual([
      ['indexer', 50n, 50n],
      ['query', 5n, 0n],
      ['vaa', 50n, 50n],
    ]);
    expect((await store().withdrawalReservations.listOpen(acc)).map((x) => x.amount)).toEqual([30n, 20n]);
    // Observed on chain at 105: observations before it still predate the debit, later ones include it.
    expect(
      await store().withdrawalReservations.markExecuted({
        chain: 'evm-devnet',
        holder: HOLDER,
        id: r.id,
        height: 105n,
      }),
    ).toBe(acc);
    expect((await store().balances.listByAccount(acc)).map((b) => b.amount)).toEqual([50n, 5n, 50n]);
    await store().balances.upsert(obs(acc, { amount: 70n, height: 105n }));
    expect(net(await store().balances.listByAccount(acc))).toEqual([
      ['indexer', 50n, 20n],
      ['query', 5n, 0n],
      ['vaa', 50n, 50n],
    ]);
  });

  it('stop counting once expired, never go below zero, and refuse a reused request key', async () => {
    const acc = await account();
    await store().balances.upsert(obs(acc));
    await store().withdrawalReservations.create(reservation(acc, 40n, 'old', new Date(Date.now() - 1000)));
    expect((await store().balances.listByAccount(acc)).map((b) => b.amount)).toEqual([100n]);
    await store().withdrawalReservations.create(reservation(acc, 400n, 'big'));
    expect((await store().balances.listByAccount(acc)).map((b) => [b.amount, b.reserved])).toEqual([
      [0n, 400n],
    ]);
    let err: unknown;
    try {
      await store().withdrawalReservations.create(reservation(acc, 1n, 'big'));
    } catch (e) {
      err = e;
    }
    expect(isAppError(err, 'LEDGER__CONFLICT')).toBe(true);
  });

  it('index forced requests once and close them when the forced debit is observed', async () => {
    const acc = await account();
    await store().balances.upsert(obs(acc));
    const forced = { ...reservation(acc, 60n, 'forced:tx:1'), kind: 'forced' as const };
    expect((await store().withdrawalReservations.createOnce(forced)).created).toBe(true);
    expect((await store().withdrawalReservations.createOnce(forced)).created).toBe(false);
    expect((await store().balances.listByAccount(acc)).map((b) => b.amount)).toEqual([40n]);
    expect(
      await store().withdrawalReservations.markForcedExecuted({
        chain: 'evm-devnet',
        holder: HOLDER,
        token: TOKEN,
        height: 110n,
      }),
    ).toEqual([acc]);
    await store().balances.upsert(obs(acc, { amount: 40n, height: 110n }));
    expect((await store().balances.listByAccount(acc)).map((b) => b.amount)).toEqual([40n]);
  });

  it('lockAccount runs inside a transaction', async () => {
    const acc = await account();
    await store().transaction(async (tx) => {
      await tx.withdrawalReservations.lockAccount(acc);
      await tx.withdrawalReservations.create(reservation(acc, 1n, 'locked'));
    });
    expect(await store().withdrawalReservations.listOpen(acc)).toHaveLength(1);
  });
});

describeEachDriver('withdrawal reservations: attested withdrawals', ({ store, account }) => {
  const mark = (amount: bigint, height: bigint) =>
    store().withdrawalReservations.markAttestedWithdrawal({
      chain: 'evm-devnet',
      holder: HOLDER,
      token: TOKEN,
      amount,
      height,
    });
  const reserved = async (acc: AccountId) =>
    (await store().balances.listByAccount(acc)).map((b) => [b.source, b.height, b.amount, b.reserved]);

  it('an attested withdrawal closes its one open reservation at the debit block: counted once, not twice', async () => {
    const acc = await account();
    await store().balances.upsert(obs(acc));
    await store().withdrawalReservations.create(reservation(acc, 30n, 'req-a'));
    // The vault's withdrawal message lands first: the balance it carries (70) is already debited, and
    // the open reservation takes the 30 off it once more (amounts listed net of reservations).
    await store().balances.upsert(obs(acc, { source: 'vaa', amount: 70n, height: 110n, ref: 'vaa:1' }));
    expect(await reserved(acc)).toEqual([
      ['indexer', 100n, 70n, 30n],
      ['vaa', 110n, 40n, 30n],
    ]);
    expect(await mark(30n, 110n)).toBe(acc);
    // The debit is in the attested balance only; the older indexed one predates it and keeps counting it.
    expect(await reserved(acc)).toEqual([
      ['indexer', 100n, 70n, 30n],
      ['vaa', 110n, 70n, 0n],
    ]);
    expect(await store().withdrawalReservations.listOpen(acc)).toEqual([]);
    // Nothing open is left to match.
    expect(await mark(30n, 111n)).toBeNull();
  });

  it('marks nothing when the match is ambiguous, for another amount, or for a released reservation', async () => {
    const acc = await account();
    await store().balances.upsert(obs(acc));
    await store().withdrawalReservations.create(reservation(acc, 20n, 'req-1'));
    await store().withdrawalReservations.create(reservation(acc, 20n, 'req-2'));
    expect(await mark(20n, 110n)).toBeNull();
    expect(await mark(25n, 110n)).toBeNull();
    expect((await store().withdrawalReservations.listOpen(acc)).length).toBe(2);
    const other = await account();
    const r = await store().withdrawalReservations.create({
      ...reservation(other, 40n, 'req-3'),
      holder: TOKEN,
    });
    await store().withdrawalReservations.release(r.id);
    expect(
      await store().withdrawalReservations.markAttestedWithdrawal({
        chain: 'evm-devnet',
        holder: TOKEN,
        token: TOKEN,
        amount: 40n,
        height: 120n,
      }),
    ).toBeNull();
  });
});
