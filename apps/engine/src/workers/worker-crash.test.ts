import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { accountId } from '@xmargin/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromScratch, marketData, positions, seedBalance, waitFor } from '../test-support/fixtures.js';
import {
  DATABASE_URL_TEST,
  REDIS_URL_TEST,
  startTestEngine,
  type TestEngine,
} from '../test-support/harness.js';

// Several real worker processes (`src/main.ts --role worker`) on one Redis and one database: one is
// SIGKILLed mid-batch; its in-flight jobs stall, are recovered by the others, and every account ends
// exactly where a from-scratch recompute of the ledger puts it.
const ACCOUNTS = 300;
const engineDir = fileURLToPath(new URL('../..', import.meta.url));
let t: TestEngine;
const children: ChildProcess[] = [];

function startWorker(name: string): Promise<ChildProcess> {
  const child = spawn('node', ['--conditions=source', '--import', 'tsx', 'src/main.ts', '--role', 'worker'], {
    cwd: engineDir,
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: REDIS_URL_TEST,
      DATABASE_URL: DATABASE_URL_TEST,
      DATABASE_SCHEMA: t.schema ?? '',
      QUEUE_PREFIX: t.prefix,
      WORKER_CONCURRENCY: '4',
      WORKER_LOCK_DURATION_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '1000',
      LOG_LEVEL: 'silent',
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
    });
    child.on('exit', (code) => reject(new Error(`worker ${name} exited early (${code}): ${out}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

async function snapshotCount(): Promise<number> {
  const { rows } = await t.engine.context.store.db.query<{ n: string }>(
    'SELECT count(DISTINCT account_id)::text AS n FROM margin_snapshots',
  );
  return Number(rows[0]?.n ?? 0);
}

beforeAll(async () => {
  t = await startTestEngine('crash', { role: 'api' });
  const { store } = t.engine.context;
  await store.transaction(async (tx) => {
    for (const [kind, entries] of Object.entries({
      stable: { stable: marketData().stable },
      price: marketData().prices,
      market: marketData().markets,
    })) {
      for (const [key, doc] of Object.entries(entries))
        await tx.marketData.put({ kind: kind as 'price', key, doc });
    }
  });
  const ids = Array.from({ length: ACCOUNTS }, (_, i) => `acc_crash_${i}`);
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
  for (const id of ids) await t.engine.context.producers.enqueueRecompute(id, { reason: 'manual' });
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await t.close();
});

it('recovers the jobs of a worker killed mid-batch; every account ends equal to a from-scratch recompute', async () => {
  const queue = t.engine.context.producers.queues['recompute-account'];
  const victim = await startWorker('victim');
  await waitFor(async () => ((await snapshotCount()) >= 10 ? true : undefined), 60_000);
  victim.kill('SIGKILL');
  await exited(victim);
  const left = await queue.getJobCountByTypes('waiting', 'prioritized', 'active');
  // The kill really happened mid-batch: jobs were still queued or held by the dead process.
  expect(left).toBeGreaterThan(0);
  expect(await snapshotCount()).toBeLessThan(ACCOUNTS);

  // Ledger changes while no worker runs: the final snapshots must include them.
  const { store, producers } = t.engine.context;
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
    await producers.enqueueRecompute(id, { reason: 'positions' });
  }

  const survivors = await Promise.all([startWorker('a'), startWorker('b')]);
  await waitFor(
    async () =>
      (await queue.getJobCountByTypes('waiting', 'prioritized', 'active', 'delayed')) === 0 &&
      (await snapshotCount()) === ACCOUNTS
        ? true
        : undefined,
    90_000,
  );
  expect(await queue.getJobCountByTypes('failed')).toBe(0);

  for (let i = 0; i < ACCOUNTS; i++) {
    const id = `acc_crash_${i}`;
    const snap = await t.engine.context.marginCache.get(id);
    expect(snap, id).not.toBeNull();
    const scratch = await fromScratch(store, id, snap!.asOf);
    expect(snap!.inputHash, id).toBe(scratch.inputHash);
    expect(snap!.result, id).toEqual(scratch.result);
    if (i % 7 === 0 && i / 7 < 20) expect(snap!.positionKeys, id).toContain('proto_b/late');
  }

  // Graceful shutdown: SIGTERM lets the survivors finish and exit 0.
  for (const s of survivors) s.kill('SIGTERM');
  expect(await Promise.all(survivors.map(exited))).toEqual([0, 0]);
}, 180_000);
