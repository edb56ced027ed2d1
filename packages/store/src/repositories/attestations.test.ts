import type { AccountId } from '@xmargin/core';
import { isAppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import {
  DATABASE_URL_TEST,
  describeEachDriver,
  freshAccountId,
  uniqueSchema,
} from '../../test/store-fixture.js';
import { dropSchema } from '../drop-schema.js';
import { openStore } from '../open-store.js';
import type { BalanceUpdate } from './balances.js';

let keyCounter = 0;
const replayKey = (): string => `0x${(Date.now() * 1000 + ++keyCounter).toString(16).padStart(64, '0')}`;

const vaaBalance = (account: AccountId, amount: bigint, height: bigint, ordinal = 0n): BalanceUpdate => ({
  account,
  chain: 'ethereum',
  asset: 'USDC',
  source: 'vaa',
  holder: `0x${'0'.repeat(24)}${'ab'.repeat(20)}`,
  token: `0x${'0'.repeat(24)}${'cd'.repeat(20)}`,
  amount,
  decimals: 6,
  height,
  ordinal,
  observedAt: 1_700_000_000,
  ref: 'vaa:2/emitter/1',
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describeEachDriver('attestations.apply', ({ store, account }) => {
  it('records the replay key and applies the balance updates together', async () => {
    const acc = await account();
    const key = replayKey();
    const res = await store().attestations.apply({
      replayKey: key,
      kind: 'vaa',
      emitterChain: 2,
      emitterAddress: `0x${'11'.repeat(32)}`,
      sequence: 18_446_744_073_709_551_615n,
      account: acc,
      observedAt: 1_700_000_000,
      body: { kind: 'deposit', amount: '5000000' },
      balances: [vaaBalance(acc, 5_000_000n, 100n)],
    });
    expect(res.attestation.replayKey).toBe(key);
    expect(res.attestation.sequence).toBe(18_446_744_073_709_551_615n);
    expect(res.attestation.body).toEqual({ kind: 'deposit', amount: '5000000' });
    expect(res.balances.map((b) => b.applied)).toEqual([true]);
    const [bal] = await store().balances.listByAccount(acc);
    expect(bal?.amount).toBe(5_000_000n);
    expect(bal?.replayKey).toBe(key);
    expect(await store().attestations.has(key)).toBe(true);
    expect((await store().attestations.get(key))?.emitterChain).toBe(2);
  });

  it('rejects a replayed key with LEDGER__REPLAYED_ATTESTATION and applies nothing', async () => {
    const acc = await account();
    const key = replayKey();
    await store().attestations.apply({ replayKey: key, kind: 'vaa', balances: [vaaBalance(acc, 10n, 100n)] });
    // Same key, a later height and another amount: had it been applied, the balance would change.
    const err = await rejection(
      store().attestations.apply({ replayKey: key, kind: 'vaa', balances: [vaaBalance(acc, 999n, 200n)] }),
    );
    expect(isAppError(err, 'LEDGER__REPLAYED_ATTESTATION')).toBe(true);
    expect(isAppError(err, 'LEDGER__REPLAYED_ATTESTATION') && err.context.replayKey).toBe(key);
    const [bal] = await store().balances.listByAccount(acc);
    expect(bal?.amount).toBe(10n);
    expect(bal?.height).toBe(100n);
  });

  it('treats replay keys case-insensitively (one body, one key)', async () => {
    const key = replayKey();
    await store().attestations.apply({ replayKey: key.toUpperCase().replace('0X', '0x'), kind: 'vaa' });
    const err = await rejection(store().attestations.apply({ replayKey: key, kind: 'vaa' }));
    expect(isAppError(err, 'LEDGER__REPLAYED_ATTESTATION')).toBe(true);
  });

  it('applies exactly one of two concurrent applications of the same key', async () => {
    const acc = await account();
    const key = replayKey();
    const results = await Promise.allSettled([
      store().attestations.apply({ replayKey: key, kind: 'vaa', balances: [vaaBalance(acc, 1n, 100n)] }),
      store().attestations.apply({ replayKey: key, kind: 'vaa', balances: [vaaBalance(acc, 2n, 101n)] }),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r) => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(isAppError((failed[0] as PromiseRejectedResult).reason, 'LEDGER__REPLAYED_ATTESTATION')).toBe(
      true,
    );
    const winner = (ok[0] as PromiseFulfilledResult<{ balances: readonly { balance: { amount: bigint } }[] }>)
      .value;
    const [bal] = await store().balances.listByAccount(acc);
    expect(bal?.amount).toBe(winner.balances[0]?.balance.amount);
  });

  it('rejects a stale balance with LEDGER__STALE_OBSERVATION without consuming the key', async () => {
    const acc = await account();
    await store().attestations.apply({
      replayKey: replayKey(),
      kind: 'vaa',
      balances: [vaaBalance(acc, 7n, 200n)],
    });
    const key = replayKey();
    const err = await rejection(
      store().attestations.apply({ replayKey: key, kind: 'vaa', balances: [vaaBalance(acc, 3n, 150n)] }),
    );
    expect(isAppError(err, 'LEDGER__STALE_OBSERVATION')).toBe(true);
    expect(isAppError(err, 'LEDGER__STALE_OBSERVATION') && err.context).toEqual({
      lastHeight: '200',
      height: '150',
    });
    expect(await store().attestations.has(key)).toBe(false);
    expect((await store().balances.listByAccount(acc))[0]?.amount).toBe(7n);
  });

  it("with onStale 'skip' records the key and keeps the newer balance", async () => {
    const acc = await account();
    await store().attestations.apply({
      replayKey: replayKey(),
      kind: 'vaa',
      balances: [vaaBalance(acc, 7n, 200n)],
    });
    const key = replayKey();
    const res = await store().attestations.apply({
      replayKey: key,
      kind: 'vaa',
      onStale: 'skip',
      balances: [vaaBalance(acc, 3n, 150n)],
    });
    expect(res.balances[0]?.applied).toBe(false);
    expect(await store().attestations.has(key)).toBe(true);
    expect((await store().balances.listByAccount(acc))[0]?.amount).toBe(7n);
  });

  it('orders two messages of one block by ordinal (vault nonce)', async () => {
    const acc = await account();
    await store().attestations.apply({
      replayKey: replayKey(),
      kind: 'vaa',
      balances: [vaaBalance(acc, 20n, 300n, 2n)],
    });
    const err = await rejection(
      store().attestations.apply({
        replayKey: replayKey(),
        kind: 'vaa',
        balances: [vaaBalance(acc, 10n, 300n, 1n)],
      }),
    );
    expect(isAppError(err, 'LEDGER__STALE_OBSERVATION')).toBe(true);
    expect((await store().balances.listByAccount(acc))[0]?.amount).toBe(20n);
  });

  it('joins an enclosing store.transaction: a later failure rolls the key back too', async () => {
    const acc = await account();
    const key = replayKey();
    const err = await rejection(
      store().transaction(async (tx) => {
        await tx.attestations.apply({ replayKey: key, kind: 'pyth', balances: [vaaBalance(acc, 5n, 10n)] });
        await tx.marketData.put({ kind: 'price', key: 'USDC', doc: { price: 1, confidence: 1 } });
        throw new Error('boom after apply');
      }),
    );
    expect((err as Error).message).toBe('boom after apply');
    expect(await store().attestations.has(key)).toBe(false);
    expect(await store().balances.listByAccount(acc)).toEqual([]);
  });

  it('rolls back everything when one of several updates fails (unknown account)', async () => {
    const acc = await account();
    const key = replayKey();
    const err = await rejection(
      store().attestations.apply({
        replayKey: key,
        kind: 'vaa',
        balances: [vaaBalance(acc, 5n, 10n), vaaBalance(freshAccountId(), 5n, 10n)],
      }),
    );
    expect(isAppError(err, 'LEDGER__NOT_FOUND')).toBe(true);
    expect(await store().attestations.has(key)).toBe(false);
    expect(await store().balances.listByAccount(acc)).toEqual([]);
  });

  it('rejects a malformed replay key', async () => {
    const err = await rejection(store().attestations.apply({ replayKey: 'not-hex', kind: 'vaa' }));
    expect(isAppError(err, 'LEDGER__INVALID_INPUT')).toBe(true);
  });

  it('lists attestations by account, latest first', async () => {
    const acc = await account();
    const k1 = replayKey();
    const k2 = replayKey();
    await store().attestations.apply({ replayKey: k1, kind: 'vaa', account: acc });
    await store().attestations.apply({ replayKey: k2, kind: 'query', account: acc });
    const all = await store().attestations.list({ account: acc });
    expect(new Set(all.map((a) => a.replayKey))).toEqual(new Set([k1, k2]));
    expect(
      (await store().attestations.list({ account: acc, kind: 'query' })).map((a) => a.replayKey),
    ).toEqual([k2]);
  });
});

describe('attestations.apply across processes [pg]', () => {
  it('two stores (two pools) racing on one key: one applies, the other is rejected', async () => {
    const schema = uniqueSchema('race');
    const [a, b] = await Promise.all([
      openStore({ url: DATABASE_URL_TEST, schema }),
      openStore({ url: DATABASE_URL_TEST, schema }),
    ]);
    try {
      const acc = freshAccountId();
      await a.accounts.create({ id: acc });
      for (let round = 0; round < 10; round++) {
        const key = replayKey();
        const results = await Promise.allSettled([
          a.attestations.apply({
            replayKey: key,
            kind: 'vaa',
            balances: [vaaBalance(acc, BigInt(round), BigInt(round))],
          }),
          b.attestations.apply({
            replayKey: key,
            kind: 'vaa',
            balances: [vaaBalance(acc, BigInt(round), BigInt(round))],
          }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(isAppError(rejected.reason, 'LEDGER__REPLAYED_ATTESTATION')).toBe(true);
      }
      const { rows } = await a.db.query<{ n: string }>(
        'SELECT count(*)::text AS n FROM balance_observations',
      );
      expect(rows[0]?.n).toBe('10');
    } finally {
      await Promise.all([a.close(), b.close()]);
      await dropSchema(DATABASE_URL_TEST, schema);
    }
  });
});
