// `pnpm bench` (or `pnpm --filter @xmargin/engine bench`): the engine on loopback as real processes
// (one API process, worker processes), real Redis and Postgres. Prints figures; asserts nothing.
// BENCH_SECTIONS=publish,market-move,get,whatif,attestation picks sections (default all; publish runs in
// this process, without Postgres or engine processes: see publish.ts); BENCH_ROUNDS (default 2)
// repeats the GET rounds, since the machine is shared and noisy; BENCH_ACCOUNTS (2,000) and
// BENCH_MIN_POSITIONS (10: accounts hold 10-19 positions) size the book, or BENCH_BOOK_ACCOUNTS
// (100,000) when market-move is selected. Two worker processes hold the book (resident, sharded).
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { encodeCollateralMessage } from '@xmargin/attestation';
import { devnetTrustStore, signVaa } from '@xmargin/attestation/testing';
import { accountId, universalAddress } from '@xmargin/core';
import { createRedisConnection } from '@xmargin/jobs';
import { createRiskBook, type Market, type Position } from '@xmargin/risk';
import { dropSchema, hashApiKey, openStore } from '@xmargin/store';
import autocannon from 'autocannon';
import { privateKeyToAccount } from 'viem/accounts';
import { createAttestationRegistryStore } from '../src/attestations/registry-store.js';
import { createMarginCache, type MarginView } from '../src/margin/margin-cache.js';
import { packedRequestedAt } from '../src/margin/packed.js';
import { redisKeys } from '../src/redis-keys.js';
import { type ResidentAccount, residentAccount } from '../src/shards/resident-account.js';
import { lastEventId } from '../src/stream/event-log.js';
import { marketData, positions } from '../src/test-support/fixtures.js';
import type { LoadResult, LoadSpec } from './load.js';
import { startEngineProcess, stopProcess } from './processes.js';
import { benchPublish, deletePrefix } from './publish.js';

const REDIS_URL = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';
const DATABASE_URL = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/test';
const SECTIONS = new Set(
  (process.env.BENCH_SECTIONS ?? 'publish,market-move,get,whatif,attestation')
    .split(',')
    .map((x) => x.trim()),
);
const ACCOUNTS = SECTIONS.has('market-move')
  ? Number(process.env.BENCH_BOOK_ACCOUNTS ?? 100_000)
  : Number(process.env.BENCH_ACCOUNTS ?? 2_000);
// market-move: 10-20 positions per account (the issue's book); otherwise 10-19 as before.
const MIN_POSITIONS = Number(process.env.BENCH_MIN_POSITIONS ?? 10);
const SPREAD = SECTIONS.has('market-move') ? 11 : 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
// BENCH_KEEP_SCHEMA=1 keeps the seeded Postgres schema (its name is printed); BENCH_REUSE_SCHEMA=<name>
// runs on it again without seeding (a 100,000-account seed takes minutes). Its API keys are derived from
// the name, so a reused schema's keys still match.
const REUSE = process.env.BENCH_REUSE_SCHEMA;
const KEEP = REUSE !== undefined || process.env.BENCH_KEEP_SCHEMA === '1';
if (REUSE !== undefined && !/^bench_[0-9a-f]{8}$/.test(REUSE))
  throw new Error(
    `BENCH_REUSE_SCHEMA must name a schema a bench kept (bench_ and 8 hex digits), not ${REUSE}`,
  );
const suffix = REUSE?.slice('bench_'.length) ?? randomBytes(4).toString('hex');
const prefix = `bench-${suffix}`;
const schema = `bench_${suffix}`;
const secret = (role: string) =>
  `xm_${role}_${createHash('sha256').update(`${schema}:${role}`).digest('hex').slice(0, 32)}`;
const adminKey = secret('admin');
const readerKey = secret('protocol');
const relayerKey = secret('relayer');
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
  // The bench measures event application, not the periodic jobs.
  RECONCILE_EVERY_MS: '0',
  CONSISTENCY_CHECK_EVERY_MS: '0',
};
const keys = redisKeys(prefix);

const fmt = (n: number, d = 2) => n.toFixed(d);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const line = (label: string, value: string) => process.stdout.write(`${label.padEnd(44)} ${value}\n`);

const store = await openStore({ url: DATABASE_URL, schema });
const redis = createRedisConnection(REDIS_URL);
const cache = createMarginCache(redis, keys);
const children: Awaited<ReturnType<typeof startEngineProcess>>['child'][] = [];

async function seed() {
  const ids = Array.from({ length: ACCOUNTS }, (_, i) => `acc_b${i}`);
  if (REUSE !== undefined) {
    const { rows } = await store.db.query<{ n: string }>(
      `select count(*)::text as n from accounts where id like 'acc_b%'`,
    );
    if (Number(rows[0]?.n) !== ACCOUNTS)
      throw new Error(`${REUSE} holds ${rows[0]?.n} bench accounts, not ${ACCOUNTS} (BENCH_BOOK_ACCOUNTS)`);
    return ids;
  }
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
  const chunk = 100;
  let next = 0;
  // Through the store's repositories, 100 accounts per transaction, 4 transactions at a time.
  const seedChunk = async () => {
    for (;;) {
      const i = next;
      next += chunk;
      if (i >= ids.length) return;
      await store.transaction(async (tx) => {
        for (const [j, id] of ids.slice(i, i + chunk).entries()) {
          const acc = accountId(id);
          await tx.accounts.create({ id: acc });
          // Tenancy: the account authorised the protocol the bench posts positions with.
          await tx.grants.grant({ account: acc, protocol: 'proto_a', grantedBy: 'bench' });
          const ps = positions(MIN_POSITIONS + ((i + j) % SPREAD));
          await tx.positions.replace({
            protocol: 'proto_a',
            account: acc,
            positions: ps.map(({ id: positionId, ...doc }) => ({
              positionId,
              underlying: doc.underlying,
              doc,
            })),
          });
          await tx.balances.upsert({
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
        }
      });
    }
  };
  await Promise.all([seedChunk(), seedChunk(), seedChunk(), seedChunk()]);
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

/** Every account's cached view, read straight from Redis in MGET pages (what GET margin serves). */
async function allViews(ids: readonly string[]): Promise<(MarginView | null)[]> {
  const out: (MarginView | null)[] = [];
  for (let i = 0; i < ids.length; i += 2_000) out.push(...(await cache.getViews(ids.slice(i, i + 2_000))));
  return out;
}

/** Waits until every account has a view satisfying `ok`; returns the milliseconds it took. */
async function untilViews(ids: readonly string[], ok: (v: MarginView) => boolean, timeoutMs: number) {
  const start = performance.now();
  let pending = [...ids];
  while (pending.length > 0) {
    const views = await allViews(pending);
    pending = pending.filter((_, i) => {
      const v = views[i];
      return !(v && ok(v));
    });
    if (pending.length === 0) break;
    if (performance.now() - start > timeoutMs) throw new Error(`${pending.length} accounts never got there`);
    await sleep(5);
  }
  return performance.now() - start;
}

// A margin event's accountId (first field after its type) and requestedAt (its last field), in an
// entry's `e` (one event) or `b` (a JSON array of them); a move's margin events are packed (`a`, `q`).
const EVENT_FIELDS =
  /\{"type":"(?:margin|threshold)","accountId":("(?:[^"\\]|\\.)*")[\s\S]*?"requestedAt":(\d+)\}/g;

/**
 * The accounts a move waits for, by their number in `acc_b<n>` (the bench's ids): a flag per number,
 * so that following the log needs no string per event. Made before the move is timed.
 */
interface Waiting {
  readonly flags: Uint8Array;
  left: number;
}

const BENCH_ID = /^acc_b(\d+)$/;

function waitingFor(ids: readonly string[]): Waiting {
  const flags = new Uint8Array(ACCOUNTS);
  for (const id of ids) flags[Number(BENCH_ID.exec(id)![1])] = 1;
  return { flags, left: ids.length };
}

/** Account number `n` arrived (counted once). */
function arrivedNumber(w: Waiting, n: number): void {
  if (w.flags[n] === 1) {
    w.flags[n] = 0;
    w.left--;
  }
}

function arrived(w: Waiting, id: string): void {
  const n = BENCH_ID.exec(id)?.[1];
  if (n !== undefined) arrivedNumber(w, Number(n));
}

const QUOTE = 0x22;
const PREFIX = Buffer.from('"acc_b');

/**
 * A packed entry's accounts (`a`, a JSON array) marked arrived where their event's requestedAt is at
 * least `since`, read straight from the bytes: with JSON.parse of the ids and a Set of strings, this
 * process's CPU profile of four moves held three times the samples it holds now, CPU taken from the
 * workers it times. An array not made only of bench ids is parsed as JSON.
 */
function arrivedPacked(w: Waiting, accounts: Buffer, requestedAt: Float64Array, since: number): void {
  let at = 1; // past '['
  for (let i = 0; i < requestedAt.length; i++) {
    let n = 0;
    let digits = 0;
    if (accounts.compare(PREFIX, 0, PREFIX.length, at, at + PREFIX.length) === 0) {
      at += PREFIX.length;
      for (let c = accounts[at]; c !== undefined && c >= 0x30 && c <= 0x39; c = accounts[++at], digits++)
        n = n * 10 + (c - 0x30);
    }
    if (digits === 0 || accounts[at] !== QUOTE) {
      // Not a bench id: the whole array as JSON (an account already marked is not counted twice).
      const ids = JSON.parse(accounts.toString()) as string[];
      ids.forEach((id, k) => {
        if (requestedAt[k]! >= since) arrived(w, id);
      });
      return;
    }
    at += 2; // past '"' and ',' (or ']')
    if (requestedAt[i]! >= since) arrivedNumber(w, n);
  }
}

/** Waits until the margin event log holds an event requested at or after `since` for every account. */
async function untilLogged(w: Waiting, from: string, since: number, timeoutMs: number) {
  const start = performance.now();
  const follower = redis.duplicate();
  let cursor = from;
  try {
    while (w.left > 0) {
      if (performance.now() - start > timeoutMs) throw new Error(`${w.left} accounts never got there`);
      // As Buffers: a move's packed events hold their numbers as bytes (see event-log.ts).
      const reply = (await follower.xreadBuffer(
        'COUNT',
        100,
        'BLOCK',
        1_000,
        'STREAMS',
        keys.marginEvents,
        cursor,
      )) as [Buffer, [Buffer, Buffer[]][]][] | null;
      for (const [, entries] of reply ?? []) {
        for (const [id, fields] of entries) {
          cursor = id.toString();
          const value = (name: string) => {
            for (let k = 0; k + 1 < fields.length; k += 2)
              if (fields[k]!.length === name.length && fields[k]!.toString() === name) return fields[k + 1];
            return undefined;
          };
          const q = value('q');
          if (q !== undefined) {
            arrivedPacked(w, value('a') ?? Buffer.from('[]'), packedRequestedAt(q), since);
            continue;
          }
          // Only two fields of each event are needed: read with a pattern rather than JSON.parse.
          for (const m of (fields.at(-1)?.toString() ?? '').matchAll(EVENT_FIELDS))
            if (Number(m[2]) >= since) arrived(w, JSON.parse(m[1]!) as string);
        }
      }
    }
  } finally {
    follower.disconnect();
  }
}

/** CPU time (ms) a process has used so far, from /proc. */
const cpuMs = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};

/**
 * Waits until the worker processes hold their shares of the shards (the first one took them all and
 * hands half back once the second registers) and have finished loading them: both nearly idle for
 * half a second. Measuring a move while a takeover still loads would time the takeover.
 */
async function untilSettled(pids: readonly number[]) {
  const shards = 64; // SHARDS default: the bench does not set it
  for (;;) {
    const owners = await redis.mget(...Array.from({ length: shards }, (_, s) => keys.shardLease(s)));
    const counts = new Map<string | null, number>();
    for (const o of owners) counts.set(o, (counts.get(o) ?? 0) + 1);
    if (!counts.has(null) && [...counts.values()].every((n) => n === Math.ceil(shards / pids.length))) break;
    await sleep(100);
  }
  await untilQuiet(pids);
}

/**
 * Waits until the processes are nearly idle (under 10% of a core) for half a second: background writes
 * done. Gives up after 20 s (a profiled process never idles: the profiler's own thread counts).
 */
async function untilQuiet(pids: readonly number[]) {
  const until = performance.now() + 20_000;
  while (performance.now() < until) {
    const before = pids.map(cpuMs);
    await sleep(500);
    if (pids.every((pid, i) => cpuMs(pid) - before[i]! < 50)) return;
  }
}

const heapUsed = () => {
  runInNewContext('gc')();
  runInNewContext('gc')();
  return process.memoryUsage().heapUsed;
};

/**
 * market-move: the same book refreshed in-process by packages/risk (pure), then one price update posted
 * to the API and timed until every exposed account's cached view (GET margin's answer) carries it; a
 * sample is confirmed over HTTP too. Also position change -> margin readable, and memory per resident
 * account (the structures a worker keeps per account, measured on this process's heap).
 */
/**
 * The book refreshed in-process by packages/risk (the pure refresh, median of five warm updates), the
 * accounts exposed to the move, and the heap the book takes per account. The book is dropped on return
 * (and collected by the caller) so that this process's heap is small again while it times the workers:
 * a collection of a 100,000-account book inside a move cost it CPU taken from them.
 */
async function pureRefresh(ids: readonly string[], md: ReturnType<typeof marketData>) {
  const heapBefore = heapUsed();
  const residents: ResidentAccount[] = [];
  for (let i = 0; i < ids.length; i += 2_000) {
    const page = ids.slice(i, i + 2_000).map((id) => accountId(id));
    const [b, p] = await Promise.all([
      store.balances.listByAccounts(page),
      store.positions.listByAccounts<Position>(page),
    ]);
    for (const id of page) residents.push(residentAccount(id, 0, b.get(id) ?? [], p.get(id) ?? []));
  }
  const book = createRiskBook(
    { asOf: Math.floor(Date.now() / 1000), params: { preset: 'pmrm-v1-mainnet' }, ...md },
    residents.map((r) => [r.id, r.account] as const),
  );
  const heapAfter = heapUsed();
  // The same patch the workers apply: ETH's market data, 1% up (and back, alternately).
  const up = { ETH: { ...md.markets.ETH, spot: md.markets.ETH.spot * 1.01 } as Market };
  const back = { ETH: { ...md.markets.ETH } as Market };
  book.updateMarket({ markets: up }); // warm
  book.updateMarket({ markets: back });
  const refreshes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    book.updateMarket({ markets: i % 2 === 0 ? up : back });
    refreshes.push(performance.now() - t0);
  }
  const exposed = ids.filter((_, i) =>
    (residents[i]?.account.positions ?? []).some((p) => p.underlying === 'ETH'),
  );
  return { pure: pct(refreshes, 50), exposed, heapPerAccount: (heapAfter - heapBefore) / ids.length };
}

/**
 * market-move: the same book refreshed in-process by packages/risk (pure), then one price update posted
 * to the API and timed until every exposed account's cached view (GET margin's answer) carries it; a
 * sample is confirmed over HTTP too. Also position change -> margin readable, and memory per resident
 * account (the structures a worker keeps per account, measured on this process's heap).
 */
async function benchMarketMove(
  ids: readonly string[],
  base: string,
  auth: Record<string, string>,
  workerPids: readonly number[],
) {
  setFlagsFromString('--expose-gc');
  const md = marketData();
  const { pure, exposed, heapPerAccount } = await pureRefresh(ids, md);
  heapUsed(); // collects the book

  // Followed through the margin event log (the owners append an account's event after writing its
  // view, in the same pipeline), not by re-reading every pending view in a loop: that poll cost this
  // process about a core, taken from the workers it measures. A final MGET pass checks every view.
  // One move first, untimed: a deployed engine applies moves all day, so its code is warm (the pure
  // refresh above is timed warm too). Then three moves, each once the workers are quiet again.
  let postedAt = 0;
  // CPU each move costs the workers and Redis (less sensitive to the shared machine's other load than
  // the wall clock): ms per move, both workers together, and Redis's own (INFO cpu).
  const workerCpu: number[] = [];
  const redisCpu: number[] = [];
  const followerCpu: number[] = [];
  const ownCpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const redisCpuMs = async () => {
    const info = await redis.info('cpu');
    const f = (k: string) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? Number.NaN);
    return (f('used_cpu_user') + f('used_cpu_sys')) * 1000;
  };
  // Redis's commands per move (INFO commandstats: calls and microseconds per command), to see which
  // of its work a move's size changes (ranks, threshold alerts).
  const commandStats = async () => {
    const out = new Map<string, { calls: number; usec: number }>();
    for (const m of (await redis.info('commandstats')).matchAll(/cmdstat_([^:]+):calls=(\d+),usec=(\d+)/g))
      out.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
    return out;
  };
  const commandsPerMove: string[] = [];
  const move = async (factor: number) => {
    await untilQuiet(workerPids);
    // This process's own garbage (the previous move's check read every view) collected now: collected
    // during the move, it took about 0.15 s of CPU from the workers timed.
    heapUsed();
    const cpu0 = workerPids.reduce((a, pid) => a + cpuMs(pid), 0);
    const redis0 = await redisCpuMs();
    const stats0 = await commandStats();
    const own0 = ownCpuMs();
    const logFrom = await lastEventId(redis, keys.marginEvents);
    const waiting = waitingFor(exposed);
    postedAt = Date.now();
    const t0 = performance.now();
    const put = await fetch(`${base}/v1/market-data`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ markets: { ETH: { ...md.markets.ETH, spot: md.markets.ETH.spot * factor } } }),
    });
    if (put.status !== 200) throw new Error(`market-data PUT ${put.status}: ${await put.text()}`);
    await untilLogged(waiting, logFrom, postedAt, 600_000);
    // An owner appends an account's event after writing its view, in the same pipeline (Redis runs it
    // in order): once every event is logged, every view is readable. Checked here, outside the timing.
    const ms = performance.now() - t0;
    followerCpu.push(ownCpuMs() - own0);
    workerCpu.push(workerPids.reduce((a, pid) => a + cpuMs(pid), 0) - cpu0);
    redisCpu.push((await redisCpuMs()) - redis0);
    const stats1 = await commandStats();
    commandsPerMove.push(
      [...stats1]
        .map(
          ([c, s]) =>
            [c, s.calls - (stats0.get(c)?.calls ?? 0), s.usec - (stats0.get(c)?.usec ?? 0)] as const,
        )
        .filter(([, , usec]) => usec >= 5_000)
        .sort((a, b) => b[2] - a[2])
        .map(([c, calls, usec]) => `${c} ${calls}x ${fmt(usec / 1000, 0)} ms`)
        .join(', '),
    );
    const since = postedAt;
    const behind = await untilViews(exposed, (v) => v.requestedAt >= since, 0).catch((err: Error) => err);
    if (behind instanceof Error) throw new Error(`logged before its view was readable: ${behind.message}`);
    return ms;
  };
  // Every timed move is 1% (0.98 -> 0.99 -> 1 -> 0.99 ...): a move's size changes the work (ranks moved,
  // thresholds crossed), and the untimed move's target is never one a timed move (or the last run on a
  // reused schema) ends at, which would change nothing and publish nothing.
  await move(0.98);
  commandsPerMove.length = 0;
  workerCpu.length = 0;
  redisCpu.length = 0;
  followerCpu.length = 0;
  // BENCH_MOVES (default 3) timed moves, alternating between 1% and 0% down from the seeded spot.
  const moves: number[] = [];
  for (let m = 0; m < Number(process.env.BENCH_MOVES ?? 3); m++)
    moves.push(await move(m % 2 === 0 ? 0.99 : 1));
  const e2e = pct(moves, 50);
  // The HTTP answers agree (a sample: GET margin is one MGET of the same view's two parts).
  for (const id of exposed.filter((_, i) => i % Math.max(1, Math.floor(exposed.length / 200)) === 0)) {
    const r = (await (await fetch(`${base}/v1/accounts/${id}/margin`, { headers: auth })).json()) as {
      computedAt: number;
    };
    if (!(r.computedAt >= postedAt)) throw new Error(`GET margin of ${id} does not reflect the move`);
  }
  process.stdout.write(`market-move pure book refresh: ${fmt(pure, 0)} ms
`);
  process.stdout.write(
    `market-move end-to-end: ${fmt(e2e, 0)} ms until every exposed account's GET margin reflects the new price (${fmt(e2e / pure, 1)}x the pure refresh)
`,
  );
  line(
    'market-move: end-to-end of each move',
    `${moves.map((m) => fmt(m, 0)).join(' / ')} ms (median above; after one untimed move)`,
  );
  line(
    'market-move: CPU per move, workers / Redis',
    `${fmt(pct(workerCpu, 50), 0)} ms / ${fmt(pct(redisCpu, 50), 0)} ms (median; ${fmt((pct(workerCpu, 50) * 1000) / exposed.length, 1)} / ${fmt((pct(redisCpu, 50) * 1000) / exposed.length, 1)} us per exposed account; workers per move ${workerCpu.map((c) => fmt(c, 0)).join(' / ')} ms); this process following the event log ${fmt(pct(followerCpu, 50), 0)} ms`,
  );
  line(
    'market-move: Redis commands of each move',
    commandsPerMove.map((c, i) => `${i + 1}: ${c}`).join('; '),
  );
  line('market-move: book / exposed accounts', `${ids.length} / ${exposed.length}`);
  line(
    'memory per resident account (heap)',
    `${fmt(heapPerAccount / 1024, 2)} KiB (ledger form + book, measured in-process)`,
  );

  // Position change -> margin readable.
  const samples: number[] = [];
  const protocolKey = readerKey;
  for (let i = 0; i < 200; i++) {
    const id = ids[(i * 7919) % ids.length]!;
    const requested = Date.now();
    const s0 = performance.now();
    const r = await fetch(`${base}/v1/accounts/${id}/positions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${protocolKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        positions: [{ id: 'bench', type: 'perp', underlying: 'SOL', quantity: (i % 5) + 1, entryPrice: 150 }],
      }),
    });
    if (r.status !== 200) throw new Error(`positions POST ${r.status}: ${await r.text()}`);
    // GET margin answers `computedAt` (unix ms), not the internal `requestedAt`.
    for (;;) {
      const m = await fetch(`${base}/v1/accounts/${id}/margin`, { headers: auth });
      if (m.status === 200 && ((await m.json()) as { computedAt: number }).computedAt >= requested) break;
      await sleep(1);
    }
    samples.push(performance.now() - s0);
  }
  line(
    'position change -> margin readable: p50 / p99',
    `${fmt(pct(samples, 50))} ms / ${fmt(pct(samples, 99))} ms (n=${samples.length})`,
  );
}

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

/** The sections that run the engine's processes on a seeded book (all but `publish`). */
async function benchEngine() {
  process.stdout.write(
    `engine bench: ${ACCOUNTS} accounts (${MIN_POSITIONS}-${MIN_POSITIONS + SPREAD - 1} positions each), Postgres + Redis on loopback; ` +
      `${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (shared machine: compare ratios within one run)\n`,
  );
  const seedStart = performance.now();
  const ids = await seed();
  line('seed', `${fmt((performance.now() - seedStart) / 1000, 1)} s`);

  // --- two worker processes load the book (shard leases, paged from Postgres) -----------------
  const loadStart = performance.now();
  const workers = [await startEngineProcess('worker', env), await startEngineProcess('worker', env)];
  children.push(...workers.map((w) => w.child));
  await untilViews(ids, () => true, 1_800_000);
  await untilSettled(workers.map((w) => w.child.pid!));
  line(
    'book load, 2 worker processes',
    `${fmt((performance.now() - loadStart) / 1000, 1)} s for ${ids.length} accounts (until both hold their share, loaded)`,
  );
  const rss = workers.map((w) => {
    const status = readFileSync(`/proc/${w.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  });
  line(
    'worker RSS per resident account',
    `${fmt(rss.reduce((a, b) => a + b, 0) / ids.length / 1024, 2)} KiB (whole processes, ${rss.map((r) => fmt(r / 2 ** 20, 0)).join(' + ')} MiB)`,
  );

  // --- API process ------------------------------------------------------------------------------
  const api = await startEngineProcess('api', env);
  children.push(api.child);
  const base = api.url!;
  const auth = { authorization: `Bearer ${readerKey}` };
  if (SECTIONS.has('market-move'))
    await benchMarketMove(
      ids,
      base,
      auth,
      workers.map((w) => w.child.pid!),
    );
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
}

try {
  if (SECTIONS.has('publish'))
    await benchPublish(REDIS_URL, Number(process.env.BENCH_PUBLISH_ACCOUNTS ?? 50_000), line);
  if ([...SECTIONS].some((s) => s !== 'publish')) await benchEngine();
} finally {
  for (const c of children) await stopProcess(c).catch(() => undefined);
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await store.close();
  if (KEEP) process.stdout.write(`schema kept: ${schema} (BENCH_REUSE_SCHEMA=${schema} runs on it again)\n`);
  else await dropSchema(DATABASE_URL, schema);
}
