import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { accountId } from '@xmargin/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkConsistency } from '../margin/consistency-check.js';
import { marketData, positions, seedBalance, waitFor } from '../test-support/fixtures.js';
import {
  DATABASE_URL_TEST,
  REDIS_URL_TEST,
  startTestEngine,
  type TestEngine,
} from '../test-support/harness.js';

// Real worker processes (`src/main.ts --role worker`) on one Redis and one database. The first owns every
// shard; it is SIGKILLed while it applies a market move; the ledger keeps changing while no worker runs;
// two new workers take the dead one's shards over once its leases expire, rebuild them from Postgres,
// and every account ends exactly where a from-scratch computeMargin of the ledger puts it.
const ACCOUNTS = 300;
const SHARDS = 8;
const LEASE_MS = 1_500;
const engineDir = fileURLToPath(new URL('../..', import.meta.url));
let t: TestEngine;
const children: ChildProcess[] = [];
const ids = Array.from({ length: ACCOUNTS }, (_, i) => `acc_crash_${i}`);

function startWorker(name: string): Promise<ChildProcess> {
  const child = spawn('node', ['--conditions=source', '--import', 'tsx', 'src/main.ts', '--role', 'worker'], {
    cwd: engineDir,
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: REDIS_URL_TEST,
      DATABASE_URL: DATABASE_URL_TEST,
      DATABASE_SCHEMA: t.schema ?? '',
      QUEUE_PREFIX: t.prefix,
      SHARDS: String(SHARDS),
      SHARD_LEASE_MS: String(LEASE_MS),
      OPS_PORT: '0',
      CONSISTENCY_CHECK_EVERY_MS: '0',
      LOG_LEVEL: process.env.XM_DEBUG ? 'error' : 'silent',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('engine workers started')) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
      if (process.env.XM_DEBUG) process.stderr.write(`[${name}] ${d.toString()}`);
    });
    child.on('exit', (code) => reject(new Error(`worker ${name} exited early (${code}): ${out}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

/** Accounts whose cached margin differs from a from-scratch computeMargin of the ledger. */
async function inconsistent(): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < ids.length; i += 50) {
    const m = await checkConsistency(
      { store: t.engine.context.store, cache: t.engine.context.marginCache },
      ids.slice(i, i + 50),
    );
    out.push(...m.map((x) => x.accountId));
  }
  return out;
}

async function putMarket(spotFactor: number) {
  const md = marketData();
  const { store } = t.engine.context;
  await store.transaction(async (tx) => {
    if (md.stable) await tx.marketData.put({ kind: 'stable', key: 'stable', doc: md.stable });
    for (const [key, doc] of Object.entries(md.prices)) await tx.marketData.put({ kind: 'price', key, doc });
    for (const [key, doc] of Object.entries(md.markets))
      await tx.marketData.put({ kind: 'market', key, doc: { ...doc, spot: doc.spot * spotFactor } });
  });
}

beforeAll(async () => {
  t = await startTestEngine('crash', { role: 'api', env: { SHARDS: String(SHARDS) } });
  const { store } = t.engine.context;
  await putMarket(1);
  for (let i = 0; i < ids.length; i += 25) {
    await Promise.all(
      ids.slice(i, i + 25).map(async (id, j) => {
        await store.accounts.create({ id: accountId(id) });
        const ps = positions(8 + ((i + j) % 5));
        await store.positions.replace({
          protocol: 'proto_a',
          account: accountId(id),
          positions: ps.map(({ id: positionId, ...doc }) => ({
            positionId,
            underlying: doc.underlying,
            doc,
          })),
        });
        await seedBalance(store, id, {
          chain: 'evm-devnet',
          asset: 'USDC',
          amount: BigInt(10_000 + (i + j) * 100) * 1_000_000n,
          decimals: 6,
        });
      }),
    );
  }
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await t.close();
});

it('takes a killed worker’s shards over, rebuilds them from Postgres, and loses no event', async () => {
  const { store, shardEvents, redis, keys, marginCache } = t.engine.context;
  const victim = await startWorker('victim');
  // The victim leased every shard, loaded the ledger and published every account.
  await waitFor(async () => ((await inconsistent()).length === 0 ? true : undefined), 60_000);

  // A market move, and the victim dies while applying it.
  await putMarket(0.8);
  await shardEvents.marketChanged(Date.now());
  victim.kill('SIGKILL');
  await exited(victim);
  // The kill really happened mid-event: some cached margins still show the old price.
  expect((await inconsistent()).length).toBeGreaterThan(0);

  // Ledger changes while no worker runs: their events wait in the shard streams.
  for (let i = 0; i < 20; i++) {
    const id = `acc_crash_${i * 7}`;
    await store.positions.upsert({
      protocol: 'proto_b',
      account: accountId(id),
      position: {
        positionId: 'late',
        underlying: 'ETH',
        doc: { type: 'perp', underlying: 'ETH', quantity: -2, entryPrice: 2000 },
      },
    });
    await shardEvents.accountsChanged([id], Date.now());
  }

  const takeoverStart = Date.now();
  const survivors = await Promise.all([startWorker('a'), startWorker('b')]);
  await waitFor(async () => ((await inconsistent()).length === 0 ? true : undefined), 60_000);

  // The two survivors share the shards; the dead worker holds none. (Consistent views can come before
  // the last lease settles: on a loaded machine a survivor may still be taking its share from the other.)
  const leases = () => redis.mget(...Array.from({ length: SHARDS }, (_, s) => keys.shardLease(s)));
  const owners = await waitFor(async () => {
    const o = await leases();
    // settled: each survivor at its share, ceil(SHARDS / 2)
    const perOwner = (w: string | null) => o.filter((x) => x === w).length;
    return o.every((x) => x !== null && perOwner(x) === SHARDS / 2) ? o : undefined;
  }, 30_000);
  expect(owners.every((o) => o !== null)).toBe(true);
  expect(new Set(owners).size).toBe(2);
  for (let i = 0; i < 20; i++) {
    const view = await marginCache.getView(`acc_crash_${i * 7}`);
    // Rebuilt by a survivor after the takeover began.
    expect(view?.computedAt, `acc_crash_${i * 7}`).toBeGreaterThanOrEqual(takeoverStart);
  }

  // A shard the second survivor took from the first is reloaded and valued at its own valuation time
  // (a republish): wait until no view has changed for a second before replaying.
  const computedAts = async () => (await marginCache.getViews(ids)).map((v) => v?.computedAt);
  let last = await computedAts();
  await waitFor(async () => {
    await new Promise((r) => setTimeout(r, 1_000));
    const now = await computedAts();
    const settled = now.every((c, i) => c === last[i]);
    last = now;
    return settled ? true : undefined;
  }, 60_000);

  // Replays are no-ops: the same events again change no view.
  const before = await marginCache.getViews(ids);
  // (a replayed entry carries its original acceptance time, here as old as every view's)
  await shardEvents.marketChanged(0);
  await shardEvents.accountsChanged(ids.slice(0, 50), 0);
  await new Promise((r) => setTimeout(r, 1_000));
  expect((await marginCache.getViews(ids)).map((v) => v?.computedAt)).toEqual(
    before.map((v) => v?.computedAt),
  );

  // Graceful shutdown: SIGTERM releases the leases and exits 0.
  for (const s of survivors) s.kill('SIGTERM');
  expect(await Promise.all(survivors.map(exited))).toEqual([0, 0]);
}, 180_000);
