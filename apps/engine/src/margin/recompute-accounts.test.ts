import { accountId } from '@xmargin/core';
import { HIGHEST_PRIORITY, liquidationPriority } from '@xmargin/jobs';
import { UnrecoverableError } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type MarginEvent, marginEventsChannel } from '../stream/margin-events.js';
import { fromScratch, marketData, positions, seedBalance } from '../test-support/fixtures.js';
import { REDIS_URL_TEST, startTestEngine, type TestEngine } from '../test-support/harness.js';
import { recomputeAccounts } from './recompute-account.js';

// One batch through the real Postgres and Redis, with no worker running (role api), so every write seen
// here comes from the batch under test.
let t: TestEngine;

beforeAll(async () => {
  t = await startTestEngine('batch', { role: 'api' });
  const { store } = t.engine.context;
  const md = marketData();
  await store.transaction(async (tx) => {
    await tx.marketData.put({ kind: 'stable', key: 'stable', doc: md.stable });
    for (const [k, d] of Object.entries(md.prices))
      await tx.marketData.put({ kind: 'price', key: k, doc: d });
    for (const [k, d] of Object.entries(md.markets))
      await tx.marketData.put({ kind: 'market', key: k, doc: d });
  });
  await t.engine.context.globalInputs.bump();
  const put = async (id: string, docs: { id: string; underlying: string }[]) => {
    await store.accounts.create({ id: accountId(id) });
    await store.positions.replace({
      protocol: 'proto_a',
      account: accountId(id),
      positions: docs.map(({ id: positionId, ...doc }) => ({ positionId, underlying: doc.underlying, doc })),
    });
  };
  await put('acc_b1', positions(12));
  await put('acc_b2', positions(5));
  await put('acc_none', []);
  // BTC has no market data: this account cannot be computed.
  await put('acc_bad', [{ id: 'x', type: 'perp', underlying: 'BTC', quantity: 1, entryPrice: 1 } as never]);
  // Finite input whose figures overflow the double range: refused by the risk engine, alone.
  await put('acc_huge', [
    { id: 'h', type: 'perp', underlying: 'ETH', quantity: 1e308, entryPrice: 1 } as never,
  ]);
  await seedBalance(store, 'acc_b1', {
    chain: 'evm-devnet',
    asset: 'USDC',
    amount: 90_000_000_000n,
    decimals: 6,
  });
  await seedBalance(store, 'acc_b2', {
    chain: 'solana-devnet',
    asset: 'SOL',
    amount: 3_000_000_000n,
    decimals: 9,
  });
});
afterAll(() => t.close());

it('recomputes a batch: each account as a from-scratch recompute, failures confined to their account', async () => {
  const ctx = t.engine.context;
  const ids = ['acc_b1', 'acc_bad', 'acc_b2', 'acc_none', 'acc_missing', 'acc_b1', 'acc_huge'];
  const outcomes = await recomputeAccounts(
    ctx,
    ids.map((id, i) => ({ accountId: id, reason: 'manual' as const, requestedAt: 1_000 + i })),
  );
  expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, true, false, true, false]);

  const errorOf = (i: number) => {
    const o = outcomes[i];
    return o && !o.ok ? (o.error as Error) : undefined;
  };
  expect(errorOf(1)).toBeInstanceOf(UnrecoverableError);
  expect(errorOf(1)?.message).toContain('RISK__');
  expect(errorOf(4)).toBeInstanceOf(UnrecoverableError);
  expect(errorOf(4)?.message).toContain('LEDGER__NOT_FOUND');
  expect(errorOf(6)).toBeInstanceOf(UnrecoverableError);
  expect(errorOf(6)?.message).toContain('RISK__INVALID_INPUT');

  for (const [i, id] of ids.entries()) {
    const o = outcomes[i];
    if (!o?.ok) continue;
    expect(o.snapshot.accountId).toBe(id);
    expect(o.snapshot.requestedAt).toBe(1_000 + i);
    const scratch = await fromScratch(ctx.store, id, o.snapshot.asOf);
    expect(o.snapshot.inputHash).toBe(scratch.inputHash);
    expect(o.snapshot.result).toEqual(scratch.result);
  }
  // Redis: the latest snapshot (the duplicate's, written last in the MULTI) and its view.
  const cached = await ctx.marginCache.get('acc_b1');
  expect(cached?.requestedAt).toBe(1_005);
  expect(
    (await ctx.marginCache.getViews(['acc_b2', 'acc_missing', 'acc_none'])).map((v) => v?.accountId ?? null),
  ).toEqual(['acc_b2', null, 'acc_none']);
  // Postgres history: one row per successful outcome, none for the failures.
  const { rows } = await ctx.store.db.query<{ account_id: string; n: string }>(
    'SELECT account_id, count(*)::text AS n FROM margin_snapshots GROUP BY account_id ORDER BY account_id',
  );
  expect(rows.map((r) => [r.account_id, Number(r.n)])).toEqual([
    ['acc_b1', 2],
    ['acc_b2', 1],
    ['acc_none', 1],
  ]);
  // Fan-out index: exposures and priorities, the failed account indexed at the highest priority so
  // the market data write that fixes it reaches it.
  const idx = ctx.producers.accountIndex;
  expect(await idx.underlyingsOf('acc_bad')).toEqual(['BTC', 'STABLE']);
  expect(await idx.underlyingsOf('acc_b1')).toEqual(expect.arrayContaining(['ETH', 'SOL']));
  const b1 = outcomes[0];
  expect(await idx.priorities(['acc_bad', 'acc_b1', 'acc_missing'])).toEqual([
    HIGHEST_PRIORITY,
    b1?.ok ? liquidationPriority(b1.snapshot.summary) : -1,
    undefined,
  ]);
});

it('a failed read or history write fails every account of the batch (their jobs are retried)', async () => {
  const ctx = t.engine.context;
  const before = await ctx.marginCache.get('acc_b2');
  const batch = [
    { accountId: 'acc_b2', reason: 'manual' as const, requestedAt: 2_000 },
    { accountId: 'acc_none', reason: 'manual' as const, requestedAt: 2_000 },
  ];
  const messages = (os: Awaited<ReturnType<typeof recomputeAccounts>>) =>
    os.map((o) => (o.ok ? 'ok' : (o.error as Error).message));
  const readFails = {
    ...ctx,
    store: {
      ...ctx.store,
      accounts: { ...ctx.store.accounts, existing: () => Promise.reject(new Error('db down')) },
    },
  };
  expect(messages(await recomputeAccounts(readFails, batch))).toEqual(['db down', 'db down']);
  expect((await ctx.marginCache.get('acc_b2'))?.computedAt).toBe(before?.computedAt);

  const count = async () =>
    Number(
      (await ctx.store.db.query<{ n: string }>('SELECT count(*)::text AS n FROM margin_snapshots')).rows[0]
        ?.n,
    );
  const rows = await count();
  const writeFails = {
    ...ctx,
    snapshotHistory: { append: () => Promise.reject(new Error('insert failed')) },
  };
  expect(messages(await recomputeAccounts(writeFails, batch))).toEqual(['insert failed', 'insert failed']);
  expect(await count()).toBe(rows);
});

it('publishes each recompute on the stream; an account twice in a batch sees the first run as previous', async () => {
  const ctx = t.engine.context;
  const sub = new Redis(REDIS_URL_TEST);
  const events: MarginEvent[] = [];
  sub.on('message', (_channel: string, message: string) => events.push(JSON.parse(message) as MarginEvent));
  await sub.subscribe(marginEventsChannel(t.prefix));
  try {
    const before = await ctx.marginCache.getView('acc_b2');
    // More collateral since the cached snapshot, so this batch's summaries differ from it.
    await seedBalance(ctx.store, 'acc_b2', {
      chain: 'evm-devnet',
      asset: 'USDC',
      amount: 7_000_000n,
      decimals: 6,
    });
    const outcomes = await recomputeAccounts(ctx, [
      { accountId: 'acc_b2', reason: 'manual', requestedAt: 3_000 },
      { accountId: 'acc_b2', reason: 'manual', requestedAt: 3_001 },
    ]);
    const [first, second] = outcomes.map((o) => (o.ok ? o.snapshot : undefined));
    for (let i = 0; i < 100 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const margin = events.filter((e) => e.type === 'margin' && e.accountId === 'acc_b2');
    expect(margin).toHaveLength(2);
    expect(first?.summary.equity).toBeGreaterThan(before?.summary.equity ?? Number.POSITIVE_INFINITY);
    expect(margin[0]?.previous).toEqual(before?.summary);
    expect(margin[0]?.summary).toEqual(first?.summary);
    expect(margin[1]?.previous).toEqual(first?.summary);
    expect(margin[1]?.summary).toEqual(second?.summary);
  } finally {
    sub.disconnect();
  }
});
