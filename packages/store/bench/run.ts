// `pnpm bench`: ledger write rates on embedded PGlite and on the Postgres server, measured in the same
// run. Figures are printed, never asserted (shared, noisy machines): compare the ratios.
import { randomBytes } from 'node:crypto';
import { type AccountId, accountId } from '@xmargin/core';
import { type BalanceUpdate, dropSchema, openStore, type Store } from '../src/index.js';

const URL = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test';
const N = Number(process.env.STORE_BENCH_N ?? 1000);

const balance = (account: AccountId, height: bigint): BalanceUpdate => ({
  account,
  chain: 'ethereum',
  asset: 'USDC',
  source: 'vaa',
  holder: `0x${'00'.repeat(12)}${'11'.repeat(20)}`,
  token: `0x${'00'.repeat(12)}${'22'.repeat(20)}`,
  amount: 2n ** 200n + height,
  decimals: 6,
  height,
  observedAt: 1_750_000_000,
});

// A margin result of realistic size: three underlyings with 14 scenarios each.
const result = {
  equity: 1,
  underlyings: Object.fromEntries(
    ['ETH', 'BTC', 'SOL'].map((u) => [
      u,
      {
        scenarios: Array.from({ length: 14 }, (_, i) => ({
          spotShock: 0.8 + i * 0.03,
          vol: 'up',
          pnl: -i * 10,
        })),
      },
    ]),
  ),
};

async function rate(
  label: string,
  n: number,
  fn: (i: number) => Promise<unknown>,
  parallel = 1,
): Promise<number> {
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < n) await fn(next++);
    }),
  );
  const perSecond = n / ((performance.now() - start) / 1000);
  process.stdout.write(`  ${label.padEnd(46)} ${perSecond.toFixed(0).padStart(8)} /s\n`);
  return perSecond;
}

async function run(name: string, store: Store): Promise<Record<string, number>> {
  process.stdout.write(`${name}\n`);
  const acc = accountId(`acc_bench_${randomBytes(4).toString('hex')}`);
  await store.accounts.create({ id: acc });
  const key = (i: number, tag: string) => `0x${tag}${i.toString(16).padStart(62, '0')}`;
  const out: Record<string, number> = {};
  out.upsert = await rate('balances.upsert (sequential)', N, (i) =>
    store.balances.upsert(balance(acc, BigInt(i + 1))),
  );
  out.apply = await rate('attestations.apply, 1 balance (sequential)', N, (i) =>
    store.attestations.apply({
      replayKey: key(i, 'a1'),
      kind: 'vaa',
      balances: [balance(acc, BigInt(N + i + 1))],
    }),
  );
  out.replay = await rate('attestations.apply, replayed key (rejected)', N, (i) =>
    store.attestations.apply({ replayKey: key(i, 'a1'), kind: 'vaa' }).catch(() => undefined),
  );
  out.applyParallel = await rate(
    'attestations.apply, 8 in flight',
    N,
    (i) => store.attestations.apply({ replayKey: key(i, 'b2'), kind: 'vaa', account: acc }),
    8,
  );
  out.snapshot = await rate('snapshots.insert (~2 KB result)', N, () =>
    store.snapshots.insert({
      account: acc,
      computedAt: new Date(),
      inputHash: 'h',
      equity: 1,
      initialRequirement: 0.5,
      maintenanceRequirement: 0.25,
      result,
    }),
  );
  return out;
}

const pglite = await openStore();
const lite = await run('PGlite (in-process, in memory)', pglite);
await pglite.close();

const schema = `xm_bench_${randomBytes(4).toString('hex')}`;
const pg = await openStore({ url: URL, schema });
let server: Record<string, number> = {};
try {
  server = await run(`Postgres (${URL.replace(/\/\/[^@]*@/, '//')}, pool of 10)`, pg);
} finally {
  await pg.close();
  await dropSchema(URL, schema);
}

process.stdout.write('ratio Postgres / PGlite\n');
for (const k of Object.keys(lite)) {
  process.stdout.write(`  ${k.padEnd(46)} ${((server[k] ?? 0) / (lite[k] ?? 1)).toFixed(2).padStart(8)}\n`);
}
