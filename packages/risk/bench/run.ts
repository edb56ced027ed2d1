// `pnpm bench` (packages/risk): full-book margin throughput of the resident book (shared risk arrays)
// against computeMarginSummary per account, the refresh after one underlying moves and the cost of
// account upsert and removal, measured in one run, single-threaded (one core). Prints figures only.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import {
  type Account,
  type BookMarket,
  computeMarginSummary,
  createRiskBook,
  type MarginDocument,
  type Market,
  type Position,
} from '../src/index.js';

// Pin the whole process (GC threads included) to one core when taskset exists: re-run under it once.
if (process.platform === 'linux' && process.env.XMARGIN_BENCH_PINNED !== '1') {
  const r = spawnSync(
    'taskset',
    ['-c', '0', process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    {
      stdio: 'inherit',
      env: { ...process.env, XMARGIN_BENCH_PINNED: '1' },
    },
  );
  if (r.error === undefined) process.exit(r.status ?? 1);
}
const pinned = process.env.XMARGIN_BENCH_PINNED === '1';

const ACCOUNTS = 100_000;
const POSITIONS = 20;
const NAIVE_SAMPLE = 2_000;
const AS_OF = 1_700_000_000;
const DAY = 86_400;

// mulberry32: small seeded PRNG so every run margins the same book.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(42);

const EXPIRY_DAYS = [7, 14, 21, 30, 60, 90, 180, 365];
const STRIKES = 31;

function market(spot: number, rate: number): Market {
  return {
    spot,
    spotConfidence: 1,
    perp: { price: spot * 1.0005, confidence: 1 },
    expiries: EXPIRY_DAYS.map((d) => {
      const T = d / 365;
      const vols = [];
      for (let j = 0; j < STRIKES; j++) {
        const strike = Math.round(spot * (0.5 + j / (STRIKES - 1)));
        vols.push({ strike, vol: 0.45 + 0.3 * Math.abs(Math.log(strike / spot)) + 0.05 * Math.sqrt(T) });
      }
      return { expiry: AS_OF + d * DAY, forward: spot * Math.exp(rate * T), rate, defaultVol: 0.5, vols };
    }),
  };
}

const bookMarket: BookMarket = {
  asOf: AS_OF,
  params: { preset: 'pmrm-v1-mainnet' },
  stable: { price: 1, confidence: 1 },
  prices: { USDC: { price: 1 } },
  markets: { ETH: market(2000, 0.03), BTC: market(37000, 0.03) },
};

// 1,000 instruments: per underlying 1 perp, 3 dated futures, 8 expiries x 31 strikes x call/put.
const instruments: { make: (q: number) => Position; size: number }[] = [];
for (const [u, m] of Object.entries(bookMarket.markets)) {
  const size = u === 'BTC' ? 0.05 : 1;
  instruments.push({
    make: (q) => ({ type: 'perp', underlying: u, quantity: q, entryPrice: m.spot, funding: 0 }),
    size,
  });
  for (const e of m.expiries!.slice(0, 3)) {
    instruments.push({
      make: (q) => ({ type: 'future', underlying: u, expiry: e.expiry, quantity: q, entryPrice: e.forward }),
      size,
    });
  }
  for (const e of m.expiries!) {
    for (const v of e.vols!) {
      for (const right of ['call', 'put'] as const) {
        instruments.push({
          make: (q) => ({
            type: 'option',
            underlying: u,
            expiry: e.expiry,
            strike: v.strike,
            right,
            quantity: q,
          }),
          size,
        });
      }
    }
  }
}

const accounts: Account[] = [];
for (let a = 0; a < ACCOUNTS; a++) {
  const positions: Position[] = [];
  for (let p = 0; p < POSITIONS; p++) {
    const ins = instruments[Math.floor(rand() * instruments.length)]!;
    const q = Math.round((rand() * 20 - 10) * 100) / 100 || 1;
    positions.push(ins.make(q * ins.size));
  }
  const collateral = [{ asset: 'USDC', chain: 'ethereum', amount: Math.round(rand() * 200_000) }];
  if (rand() < 0.3) collateral.push({ asset: 'ETH', chain: 'base', amount: Math.round(rand() * 50) });
  accounts.push({ cash: Math.round(rand() * 20_000 - 10_000), collateral, positions });
}

const write = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

write(
  `book: ${fmt(ACCOUNTS)} accounts x ${POSITIONS} positions, ${instruments.length} instruments, pmrm-v1-mainnet (23 scenarios), single thread${pinned ? ', pinned to core 0 (taskset)' : ''}`,
);

const ids = accounts.map((_, a) => `account-${a}`);
let t = performance.now();
const book = createRiskBook(
  bookMarket,
  accounts.map((account, a) => [ids[a]!, account] as const),
);
write(`build (index positions, risk arrays, first margin): ${(performance.now() - t).toFixed(0)} ms`);

// Patching every market revalues every instrument and re-aggregates every account: the full refresh.
let best = Number.POSITIVE_INFINITY;
for (let r = 0; r < 5; r++) {
  t = performance.now();
  book.updateMarket({ markets: bookMarket.markets });
  best = Math.min(best, performance.now() - t);
}
const fastRate = ACCOUNTS / (best / 1000);
write(
  `fast path, full book (revalue ${book.instrumentCount} instruments + aggregate): ${best.toFixed(1)} ms = ${fmt(fastRate)} accounts/s`,
);

const docs: MarginDocument[] = accounts
  .slice(0, NAIVE_SAMPLE)
  .map((account) => ({ version: 1, ...bookMarket, account }));
computeMarginSummary(docs[0]!); // warm-up
t = performance.now();
const naive = docs.map((d) => computeMarginSummary(d));
const naiveMs = performance.now() - t;
const naiveRate = NAIVE_SAMPLE / (naiveMs / 1000);
write(
  `naive path (computeMarginSummary per account), ${fmt(NAIVE_SAMPLE)}-account sample: ${naiveMs.toFixed(0)} ms = ${fmt(naiveRate)} accounts/s = ${((naiveMs * 1000) / NAIVE_SAMPLE).toFixed(1)} us/account`,
);
write(`fast / naive: ${(fastRate / naiveRate).toFixed(1)}x`);

let maxRel = 0;
const fields = [
  'equity',
  'initialRequirement',
  'maintenanceRequirement',
  'initialExcess',
  'maintenanceExcess',
] as const;
naive.forEach((s, a) => {
  const entry = book.get(ids[a]!);
  if (!entry?.ok) throw new Error(`${ids[a]} failed in the book`);
  for (const f of fields) {
    const x = entry.summary[f];
    const y = s[f];
    maxRel = Math.max(maxRel, Math.abs(x - y) / Math.max(1, Math.abs(x), Math.abs(y)));
  }
});
write(
  `fast == naive on the sample: max relative difference ${maxRel.toExponential(2)} (${maxRel <= 1e-9 ? 'within' : 'OUTSIDE'} 1e-9)`,
);

const eth = bookMarket.markets.ETH!;
const moved: Market = {
  ...eth,
  spot: eth.spot * 1.01,
  perp: { price: eth.perp!.price * 1.01, confidence: 1 },
  expiries: eth.expiries!.map((e) => ({ ...e, forward: e.forward * 1.01 })),
};
t = performance.now();
const exposed = book.updateMarket({ markets: { ETH: moved } });
const refreshMs = performance.now() - t;
write(
  `refresh after a 1% ETH move (revalue ETH instruments, re-aggregate ${fmt(exposed.length)} exposed accounts): ${refreshMs.toFixed(1)} ms`,
);

// Account churn: replace accounts with others of the same shape, then remove them.
const CHURN = 20_000;
t = performance.now();
for (let a = 0; a < CHURN; a++) book.upsertAccount(ids[a]!, accounts[(a + CHURN) % ACCOUNTS]!);
const upsertUs = ((performance.now() - t) * 1000) / CHURN;
t = performance.now();
for (let a = 0; a < CHURN; a++) book.removeAccount(ids[a]!);
const removeUs = ((performance.now() - t) * 1000) / CHURN;
write(
  `upsert (replace) ${upsertUs.toFixed(1)} us/account, remove ${removeUs.toFixed(1)} us/account (${fmt(CHURN)} each, ${POSITIONS} positions)`,
);
