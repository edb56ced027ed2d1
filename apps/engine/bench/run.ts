// `pnpm bench` (or `pnpm --filter @xmargin/engine bench`): the engine on loopback as real processes
// (one API process, worker processes), real Redis and Postgres. Prints figures; asserts nothing.
// BENCH_SECTIONS=recompute,get,whatif,attestation picks sections (default all); BENCH_ROUNDS (default 2)
// repeats the 1-vs-2 worker comparison and the GET rounds, since the machine is shared and noisy;
// BENCH_ACCOUNTS (2,000), BENCH_MIN_POSITIONS (10: accounts hold 10-19 positions), BENCH_WARMUP.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { encodeCollateralMessage } from '@xmargin/attestation';
import { devnetTrustStore, signVaa } from '@xmargin/attestation/testing';
import { accountId, universalAddress } from '@xmargin/core';
import { createProducers, createRedisConnection } from '@xmargin/jobs';
import { dropSchema, hashApiKey, openStore } from '@xmargin/store';
import autocannon from 'autocannon';
import { privateKeyToAccount } from 'viem/accounts';
import { createAttestationRegistryStore } from '../src/attestations/registry-store.js';
import { marketData, positions } from '../src/test-support/fixtures.js';
import { cpuMs, cpuSpent, pidsNamed } from './cpu.js';
import type { LoadResult, LoadSpec } from './load.js';
import { startEngineProcess, stopProcess } from './processes.js';

const REDIS_URL = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test';
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 2_000);
const MIN_POSITIONS = Number(process.env.BENCH_MIN_POSITIONS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
// Recomputes before each measured drain, so a freshly started worker process is measured JIT-warm and
// with its heap grown to steady state: with 800 (split between two processes) the second process still
// spent 20-30% more CPU per account than the first; with 6,000-8,000 they are within 10%.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 6_000);
const SECTIONS = new Set(
  (process.env.BENCH_SECTIONS ?? 'recompute,get,whatif,attestation').split(',').map((x) => x.trim()),
);
const suffix = randomBytes(4).toString('hex');
const prefix = `bench-${suffix}`;
const schema = `bench_${suffix}`;
const adminKey = `xm_admin_${randomBytes(16).toString('hex')}`;
const readerKey = `xm_protocol_${randomBytes(16).toString('hex')}`;
const relayerKey = `xm_relayer_${randomBytes(16).toString('hex')}`;
const VAULT = `0x${'ab'.repeat(20)}`;
const USDC = `0x${'c0'.repeat(20)}`;

const env = {
  REDIS_URL,
  DATABASE_URL,
  DATABASE_SCHEMA: schema,
  QUEUE_PREFIX: prefix,
  XMARGIN_ADMIN_KEY: adminKey,
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  PORT: '0',
  RATE_LIMIT_PER_SECOND: '1000000',
  RATE_LIMIT_BURST: '1000000',
  WORKER_CONCURRENCY: '8',
};

const fmt = (n: number, d = 2) => n.toFixed(d);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(44)} ${value}\n`);

const store = await openStore({ url: DATABASE_URL, schema });
const redis = createRedisConnection(REDIS_URL);
const producers = createProducers({ connection: redis, prefix });
const queue = producers.queues['recompute-account'];
const children: Awaited<ReturnType<typeof startEngineProcess>>['child'][] = [];

async function seed() {
  await store.apiKeys.create({
    name: 'bench reader',
    role: 'protocol',
    scope: 'proto_a',
    keyHash: hashApiKey(readerKey),
  });
  await store.apiKeys.create({ name: 'bench relayer', role: 'relayer', keyHash: hashApiKey(relayerKey) });
  const md = marketData();
  await store.transaction(async (tx) => {
    await tx.marketData.put({ kind: 'stable', key: 'stable', doc: md.stable });
    for (const [k, d] of Object.entries(md.prices))
      await tx.marketData.put({ kind: 'price', key: k, doc: d });
    for (const [k, d] of Object.entries(md.markets))
      await tx.marketData.put({ kind: 'market', key: k, doc: d });
  });
  const ids = Array.from({ length: ACCOUNTS }, (_, i) => `acc_b${i}`);
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(
      ids.slice(i, i + 50).map(async (id, j) => {
        const acc = accountId(id);
        await store.accounts.create({ id: acc });
        const ps = positions(MIN_POSITIONS + ((i + j) % 10));
        await store.positions.replace({
          protocol: 'proto_a',
          account: acc,
          positions: ps.map(({ id: positionId, ...doc }) => ({
            positionId,
            underlying: doc.underlying,
            doc,
          })),
        });
        await store.balances.upsert({
          account: acc,
          chain: 'evm-devnet',
          asset: 'USDC',
          source: 'indexer',
          holder: universalAddress(`0x${(i + j).toString(16).padStart(40, '0')}`),
          token: universalAddress(USDC),
          amount: 100_000_000_000n,
          decimals: 6,
          height: 1n,
          observedAt: Math.floor(Date.now() / 1000),
        });
      }),
    );
  }
  const wi = accountId('acc_whatif');
  await store.accounts.create({ id: wi });
  await store.positions.replace({
    protocol: 'proto_a',
    account: wi,
    positions: positions(50).map(({ id: positionId, ...doc }) => ({
      positionId,
      underlying: doc.underlying,
      doc,
    })),
  });
  // Fresh tables have no planner statistics until autovacuum gets to them: without these, the batched
  // reads of 2,000 seeded accounts were planned as sequential scans. A running deployment's tables are
  // analyzed; so are the bench's.
  await store.db.query('ANALYZE');
  return ids;
}

/** All cores' busy fraction between two samples (context for throughput on a shared machine). */
function cpuSample() {
  let idle = 0;
  let total = 0;
  for (const c of cpus()) {
    idle += c.times.idle;
    total += c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
  }
  return { idle, total };
}
const busySince = (a: { idle: number; total: number }) => {
  const b = cpuSample();
  return 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
};

const PG_BACKGROUND =
  /: (checkpointer|background writer|walwriter|autovacuum|logical replication|stats|archiver)/;

interface RecomputeRun {
  readonly rate: number;
  readonly busy: number;
  /** CPU milliseconds per recomputed account, by process group. */
  readonly perAccount: Record<string, number>;
}

/**
 * Enqueues every account while the queue is paused, resumes, and times the drain. Also accounts the
 * CPU spent meanwhile by the worker processes, Postgres (all backends: other users of the server count
 * too), Redis, this driver, and the whole machine.
 */
async function recomputeAll(ids: string[], workerPids: number[], redisPid: number): Promise<RecomputeRun> {
  await queue.pause();
  for (let i = 0; i < ids.length; i += 500) {
    await Promise.all(
      ids.slice(i, i + 500).map((id) => producers.enqueueRecompute(id, { reason: 'manual' })),
    );
  }
  const groups = {
    workers: () => workerPids,
    // Backends (the queries, commits) apart from the server's own processes (WAL writer, checkpointer,
    // background writer, autovacuum), which the writes cost too.
    postgres: () => pidsNamed('postgres', (cmd) => PG_BACKGROUND.test(cmd) === false),
    'postgres background': () => pidsNamed('postgres', (cmd) => PG_BACKGROUND.test(cmd)),
    redis: () => [redisPid],
  };
  const start = performance.now();
  const cpu = cpuSample();
  const before = cpuMs(groups);
  const self = process.cpuUsage();
  await queue.resume();
  for (;;) {
    if ((await queue.getJobCountByTypes('waiting', 'prioritized', 'active', 'paused')) === 0) break;
    await sleep(20);
  }
  const seconds = (performance.now() - start) / 1000;
  const after = cpuMs(groups);
  const driver = process.cpuUsage(self);
  const end = cpuSample();
  const machine = end.total - cpu.total - (end.idle - cpu.idle);
  const perAccount: Record<string, number> = {};
  for (const [k, ms] of Object.entries(cpuSpent(before, after))) perAccount[k] = ms / ids.length;
  perAccount.driver = (driver.user + driver.system) / 1000 / ids.length;
  perAccount.machine = machine / ids.length;
  return { rate: ids.length / seconds, busy: busySince(cpu), perAccount };
}

/** WARMUP recomputes, in drains of at most every account once (a drain coalesces repeated ids). */
async function warmUp(ids: string[], workerPids: number[], redisPid: number): Promise<void> {
  for (let left = WARMUP; left > 0; left -= ids.length)
    await recomputeAll(ids.slice(0, Math.min(left, ids.length)), workerPids, redisPid);
}

const cpuLine = (r: RecomputeRun) =>
  Object.entries(r.perAccount)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');

/** One autocannon load in its own process (see load.ts). */
function load(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'node',
      ['--conditions=source', '--import', 'tsx', 'bench/load.ts', JSON.stringify(spec)],
      { cwd: new URL('..', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load exited ${code}`)),
    );
  });
}

/** what-if on a 50-position account: one connection, sequential requests. */
async function benchWhatIf(base: string, auth: Record<string, string>) {
  const whatIfBody = JSON.stringify({
    positions: {
      upsert: [{ id: 'new', type: 'perp', underlying: 'ETH', quantity: -3, entryPrice: 2000 }],
      remove: ['p1'],
    },
    collateral: [{ asset: 'USDC', chain: 'evm-devnet', delta: '25000' }],
  });
  const whatIfReq = {
    url: `${base}/v1/accounts/acc_whatif/margin/what-if`,
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: whatIfBody,
  };
  await autocannon({ ...whatIfReq, connections: 1, amount: 100 });
  const wi = await autocannon({ ...whatIfReq, connections: 1, amount: 500 });
  line(
    'what-if, 50 positions: p50 / p99',
    `${fmt(wi.latency.p50)} ms / ${fmt(wi.latency.p99)} ms (non-2xx ${wi.non2xx})`,
  );
}

/**
 * Attestation POST to new margin readable: each VAA changes acc_b0's balance; time until GET margin
 * returns a snapshot computed after the POST. Polls every millisecond rather than spinning, so the
 * poller does not take the CPU the worker needs.
 */
async function benchAttestation(base: string, auth: Record<string, string>) {
  const registry = createAttestationRegistryStore(redis, prefix, store.trustConfig);
  const change = { actor: 'bench', action: 'replace' };
  await registry.setTrustStore(devnetTrustStore(), change);
  await registry.setRegistry(
    {
      emitters: [{ kind: 'collateral', emitterChain: 2, emitterAddress: VAULT, chain: 'evm-devnet' }],
      tokens: [{ chain: 'evm-devnet', token: USDC, asset: 'USDC', decimals: 6 }],
      pythFeeds: [],
    },
    change,
  );
  const trader = privateKeyToAccount(`0x${'42'.repeat(32)}`);
  await store.accounts.linkAddress({
    account: accountId('acc_b0'),
    chain: 'evm',
    address: trader.address.toLowerCase(),
  });
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const balance = BigInt(50_000 + i) * 1_000_000n;
    const vaa = signVaa({
      timestamp: Math.floor(Date.now() / 1000),
      emitterChain: 2,
      emitterAddress: VAULT,
      sequence: BigInt(i),
      consistencyLevel: 202,
      payload: encodeCollateralMessage({
        kind: 'deposit',
        account: universalAddress(trader.address),
        token: universalAddress(USDC),
        amount: 1_000_000n,
        balance,
        sourceHeight: BigInt(100 + i),
        vaultNonce: BigInt(i + 1),
      }),
    });
    const t0 = performance.now();
    const postedAt = Date.now();
    const posted = await fetch(`${base}/v1/attestations/vaa`, {
      method: 'POST',
      headers: { authorization: `Bearer ${relayerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ vaa: Buffer.from(vaa).toString('base64') }),
    });
    if (posted.status !== 202) throw new Error(`attestation POST ${posted.status}: ${await posted.text()}`);
    // Nothing else recomputes acc_b0 in this phase, so the first snapshot computed after the POST is
    // the one the attestation's job produced.
    for (;;) {
      const r = await fetch(`${base}/v1/accounts/acc_b0/margin`, { headers: auth });
      if (r.status === 200 && ((await r.json()) as { computedAt: number }).computedAt >= postedAt) break;
      await sleep(1);
    }
    samples.push(performance.now() - t0);
  }
  line(
    'attestation POST -> margin readable: p50 / p99',
    `${fmt(pct(samples, 50))} ms / ${fmt(pct(samples, 99))} ms (n=${samples.length})`,
  );
}

try {
  process.stdout.write(
    `engine bench: ${ACCOUNTS} accounts (${MIN_POSITIONS}-${MIN_POSITIONS + 9} positions each), Postgres + Redis on loopback; ` +
      `${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (shared machine: compare ratios within one run)\n`,
  );
  const seedStart = performance.now();
  const ids = await seed();
  line('seed', `${fmt((performance.now() - seedStart) / 1000, 1)} s`);

  // --- recompute throughput: 1 worker process vs 2, alternated ---------------------------------
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1] ?? 0);
  const workers = [await startEngineProcess('worker', env)];
  children.push(workers[0]!.child);
  const pidsOf = () => workers.map((w) => w.child.pid ?? 0);
  if (SECTIONS.has('recompute')) {
    const ratios: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Same work for both configurations: every account, same ledger state, after a warm-up.
      while (workers.length > 1) await stopProcess(workers.pop()!.child);
      await warmUp(ids, pidsOf(), redisPid); // warm-up (JIT, pools)
      const one = await recomputeAll(ids, pidsOf(), redisPid);
      line(
        `recompute, 1 worker process (round ${round + 1})`,
        `${fmt(one.rate, 0)} accounts/s (all cores ${fmt(one.busy * 100, 0)}% busy)`,
      );
      line('  CPU ms per account', cpuLine(one));
      const w2 = await startEngineProcess('worker', env);
      children.push(w2.child);
      workers.push(w2);
      await warmUp(ids, pidsOf(), redisPid);
      const two = await recomputeAll(ids, pidsOf(), redisPid);
      ratios.push(fmt(two.rate / one.rate));
      line(
        `recompute, 2 worker processes (round ${round + 1})`,
        `${fmt(two.rate, 0)} accounts/s (${fmt(two.rate / one.rate)}x one; all cores ${fmt(two.busy * 100, 0)}% busy)`,
      );
      line('  CPU ms per account', cpuLine(two));
    }
    line('recompute, 2 workers vs 1 (per round)', `${ratios.join('x, ')}x`);
  } else {
    // Later sections need recomputed snapshots (GET margin) and a second worker like the full run.
    await recomputeAll(ids, pidsOf(), redisPid);
    const w2 = await startEngineProcess('worker', env);
    children.push(w2.child);
    workers.push(w2);
  }

  // --- API process ------------------------------------------------------------------------------
  const api = await startEngineProcess('api', env);
  children.push(api.child);
  const base = api.url!;
  const auth = { authorization: `Bearer ${readerKey}` };
  if (SECTIONS.has('get')) {
    const margin: LoadSpec = {
      url: base,
      connections: 32,
      duration: 5,
      overallRate: 2_000,
      headers: auth,
      marginAccounts: { prefix: 'acc_b', count: ACCOUNTS },
    };
    const show = (r: LoadResult) =>
      `${fmt(r.p50)} ms / ${fmt(r.p99)} ms (max ${fmt(r.max)} ms, ${fmt(r.rps, 0)} req/s, non-2xx ${r.non2xx}, errors ${r.errors})`;
    // Warm-up at the measured rate (JIT, connection pools, Redis) so the figures are steady state.
    await load(margin);
    for (let round = 0; round < ROUNDS + 1; round++) {
      // Baseline on the same machine and load: a route that does nothing (no auth, no Redis), measured
      // right before each GET margin round by the same out-of-process load generator.
      line(
        `GET /healthz @2,000 req/s (round ${round + 1}): p50/p99`,
        show(await load({ url: `${base}/healthz`, connections: 32, duration: 5, overallRate: 2_000 })),
      );
      line(`GET margin @2,000 req/s (round ${round + 1}): p50/p99`, show(await load(margin)));
    }
    const { overallRate: _rate, ...unrated } = margin;
    line(
      'GET margin max throughput: p50/p99',
      show(await load({ ...unrated, connections: 64, duration: 10 })),
    );
  }

  // --- what-if on a 50-position account -----------------------------------------------------------
  if (SECTIONS.has('whatif')) await benchWhatIf(base, auth);

  // --- attestation POST -> new margin readable ------------------------------------------------------
  if (SECTIONS.has('attestation')) await benchAttestation(base, auth);
} finally {
  for (const c of children) await stopProcess(c).catch(() => undefined);
  await queue.obliterate({ force: true }).catch(() => undefined);
  await producers.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
  await store.close();
  await dropSchema(DATABASE_URL, schema);
}
