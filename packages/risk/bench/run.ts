// `pnpm bench` (packages/risk): full-book margin throughput of the resident book (shared risk arrays)
// against computeMarginSummary per account, the refresh after one underlying moves and the cost of
// account upsert and removal, measured in one run, single-threaded (one core); the PMRM_2 book
// (pmrm-2-mainnet) and the PMRM v1 book over the same accounts side by side. Prints figures only.
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
  type RiskBook,
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

// XMARGIN_BENCH_SECTIONS=contagion runs only the contagion section (a comma list of book, contagion).
const sections = (process.env.XMARGIN_BENCH_SECTIONS ?? 'book,contagion').split(',');
if (!sections.includes('book')) {
  if (sections.includes('contagion')) await import('./contagion.js');
  process.exit(0);
}

// XMARGIN_BENCH_ACCOUNTS shrinks the book for a quick run; the published figures use the default.
const ACCOUNTS = Number(process.env.XMARGIN_BENCH_ACCOUNTS ?? 100_000);
const POSITIONS = 20;
const NAIVE_SAMPLE = Math.min(2_000, ACCOUNTS);
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
  `book: ${fmt(ACCOUNTS)} accounts x ${POSITIONS} positions, ${instruments.length} instruments, single thread${pinned ? ', pinned to core 0 (taskset)' : ''}`,
);

const ids = accounts.map((_, a) => `account-${a}`);
const fields = [
  'equity',
  'initialRequirement',
  'maintenanceRequirement',
  'initialExcess',
  'maintenanceExcess',
] as const;

interface ModelFigures {
  label: string;
  fastRate: number;
  naiveRate: number;
}

/**
 * One model's book over the same accounts and markets: build, full refresh (best of 5), the naive
 * path on a sample, and the largest difference between them.
 */
function measure(label: string, m: BookMarket): { book: RiskBook; figures: ModelFigures } {
  write(`-- ${label}`);
  let t = performance.now();
  const book = createRiskBook(
    m,
    accounts.map((account, a) => [ids[a]!, account] as const),
  );
  write(`build (index positions, risk arrays, first margin): ${(performance.now() - t).toFixed(0)} ms`);
  // Patching every market revalues every instrument and re-aggregates every account: the full refresh.
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    t = performance.now();
    book.updateMarket({ markets: m.markets });
    best = Math.min(best, performance.now() - t);
  }
  const fastRate = ACCOUNTS / (best / 1000);
  write(
    `fast path, full book (revalue ${book.instrumentCount} instruments + aggregate): ${best.toFixed(1)} ms = ${fmt(fastRate)} accounts/s`,
  );
  const docs: MarginDocument[] = accounts
    .slice(0, NAIVE_SAMPLE)
    .map((account) => ({ version: 1, ...m, account }));
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
  naive.forEach((s, a) => {
    const entry = book.get(ids[a]!);
    if (!entry?.ok) throw new Error(`${ids[a]} failed in the ${label} book`);
    for (const f of fields) {
      const x = entry.summary[f];
      const y = s[f];
      maxRel = Math.max(maxRel, Math.abs(x - y) / Math.max(1, Math.abs(x), Math.abs(y)));
    }
  });
  write(
    `fast == naive on the sample: max relative difference ${maxRel.toExponential(2)} (${maxRel <= 1e-9 ? 'within' : 'OUTSIDE'} 1e-9)`,
  );
  return { book, figures: { label, fastRate, naiveRate } };
}

// PMRM_2 runs first and is dropped before v1 builds, so the two books never share the heap.
const pmrm2 = measure('PMRM_2, pmrm-2-mainnet (33 scenarios incl. 8 tails and 2 skew)', {
  ...bookMarket,
  params: { preset: 'pmrm-2-mainnet' },
}).figures;
const v1 = measure('PMRM v1, pmrm-v1-mainnet (23 scenarios)', bookMarket);
const book = v1.book;
write('-- side by side (same accounts, same markets)');
for (const f of [v1.figures, pmrm2]) {
  write(
    `${f.label.split(',')[0]!.padEnd(8)} book ${fmt(f.fastRate).padStart(12)} accounts/s   naive ${fmt(f.naiveRate).padStart(9)} accounts/s   fast/naive ${(f.fastRate / f.naiveRate).toFixed(1)}x`,
  );
}
write(`PMRM_2 / PMRM v1 book throughput: ${(pmrm2.fastRate / v1.figures.fastRate).toFixed(2)}`);

let t = performance.now();
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

// Contagion (spec contagion.md section 8): a 3-mode stress run next to a full-book refresh, same process.
if (sections.includes('contagion')) await import('./contagion.js');
