import type { AccountId, CollateralObservation, UniversalAddress } from '@xmargin/core';
import { expect, it } from 'vitest';
import { describeEachDriver } from '../../test/store-fixture.js';

const HOLDER = `0x${'0'.repeat(24)}${'aa'.repeat(20)}` as UniversalAddress;
const ESCROW = `0x${'0'.repeat(24)}${'ee'.repeat(20)}` as UniversalAddress;
const TOKEN = `0x${'0'.repeat(24)}${'bb'.repeat(20)}` as UniversalAddress;

const obs = (account: AccountId, over: Partial<CollateralObservation> = {}): CollateralObservation => ({
  chain: 'solana-devnet',
  account,
  asset: 'USDC',
  token: TOKEN,
  holder: HOLDER,
  amount: 5n,
  decimals: 6,
  height: 100n,
  blockHash: 'block100',
  source: 'indexer',
  observedAt: 1_700_000_000,
  ref: 'ta',
  ...over,
});

describeEachDriver('trust classes and Solana escrows', ({ store, account }) => {
  it('stores each balance with its class: explicit, else from the source', async () => {
    const acc = await account();
    await store().balances.upsert(obs(acc, { source: 'query', ref: 'q' }));
    await store().balances.upsert(obs(acc, { chain: 'ethereum', source: 'vaa' }));
    await store().balances.upsert(obs(acc, { holder: ESCROW, trust: 'escrowed' }));
    await store().balances.upsert(obs(acc, { trust: 'unescrowed' }));
    const rows = await store().balances.listByAccount(acc);
    expect(rows.map((b) => [b.chain, b.source, b.holder === ESCROW, b.trust])).toEqual([
      ['ethereum', 'vaa', false, 'escrowed'],
      ['solana-devnet', 'indexer', false, 'unescrowed'],
      ['solana-devnet', 'indexer', true, 'escrowed'],
      ['solana-devnet', 'query', false, 'unescrowed'],
    ]);
  });

  it('a reorg rollback restores the class of the earlier observation', async () => {
    const acc = await account();
    await store().balances.upsert(obs(acc, { trust: 'unescrowed', height: 10n }));
    await store().balances.upsert(obs(acc, { trust: 'escrowed', height: 20n, amount: 9n }));
    expect((await store().balances.listByAccount(acc))[0]?.trust).toBe('escrowed');
    await store().balances.rollback({ chain: 'solana-devnet', aboveHeight: 15n });
    const [row] = await store().balances.listByAccount(acc);
    expect([row?.amount, row?.trust]).toEqual([5n, 'unescrowed']);
  });

  it('records one escrow per (account, chain, mint) and lists them per chain', async () => {
    const acc = await account();
    const first = await store().solanaEscrows.record({
      account: acc,
      chain: 'solana-devnet',
      mint: 'Mint1111',
      asset: 'USDC',
      tokenAccount: 'Escrow111',
      authority: 'Auth111',
    });
    const again = await store().solanaEscrows.record({ ...first, tokenAccount: 'Other' });
    expect(again).toEqual(first);
    expect(await store().solanaEscrows.find(acc, 'solana-devnet', 'Mint1111')).toEqual(first);
    expect(await store().solanaEscrows.find(acc, 'solana-devnet', 'Mint2222')).toBeNull();
    const listed = await store().solanaEscrows.listByChain('solana-devnet');
    expect(listed.filter((e) => e.account === acc)).toEqual([first]);
  });

  it('a released reservation stops counting against the balance', async () => {
    const acc = await account();
    await store().balances.upsert(obs(acc, { holder: ESCROW, trust: 'escrowed', amount: 100n }));
    const r = await store().withdrawalReservations.create({
      account: acc,
      kind: 'authorised',
      chain: 'solana-devnet',
      asset: 'USDC',
      holder: ESCROW,
      token: TOKEN,
      amount: 40n,
      deadline: 1n,
      expiresAt: new Date(Date.now() + 600_000),
      requestKey: 'request:r1',
    });
    expect((await store().balances.listByAccount(acc))[0]?.amount).toBe(60n);
    expect(await store().withdrawalReservations.release(r.id)).toBe(true);
    expect(await store().withdrawalReservations.release(r.id)).toBe(false);
    expect((await store().balances.listByAccount(acc))[0]?.amount).toBe(100n);
  });
});
