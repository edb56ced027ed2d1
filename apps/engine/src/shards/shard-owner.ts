import { type AccountId, accountId as toAccountId } from '@xmargin/core';
import { isAppError } from '@xmargin/errors';
import { type BookMarket, createRiskBook, type Position, type RiskBook, resolveParams } from '@xmargin/risk';
import type { StoreRepositories } from '@xmargin/store';
import type { Redis } from 'ioredis';
import { cashToNumber } from '../liquidation/cash-units.js';
import { canonicalJson } from '../margin/canonical-json.js';
import { type GlobalInputs, loadGlobalInputs } from '../margin/global-inputs.js';
import type { HistoryPolicy } from '../margin/history-policy.js';
import { createHistoryQueue, type HistoryQueue } from '../margin/history-queue.js';
import { createMarginCache, type MarginView } from '../margin/margin-cache.js';
import { type PublishedAccount, publishedAccount, publishMargins } from '../margin/publish-margins.js';
import type { RedisKeys } from '../redis-keys.js';
import { type ResidentAccount, residentAccount } from './resident-account.js';
import {
  firstEventId,
  lastEventId,
  readShardEvents,
  type ShardEventEntry,
  streamIdBefore,
} from './shard-events.js';
import { createShardLeases, type ShardLeases } from './shard-leases.js';
import { shardOf } from './shard-of.js';

export type ShardOwnerStore = Pick<
  StoreRepositories,
  'accounts' | 'balances' | 'positions' | 'marketData' | 'riskParams' | 'snapshots' | 'liquidations'
>;

export interface ShardOwnerParameters {
  readonly store: ShardOwnerStore;
  /** Command connection (pipelines, leases). */
  readonly redis: Redis;
  /** A connection for blocking XREADs only. */
  readonly blocking: Redis;
  readonly keys: RedisKeys;
  readonly workerId: string;
  readonly shards: number;
  readonly leaseMs: number;
  readonly thresholds: readonly number[];
  /** Events kept in the margin event log (EVENT_LOG_MAX_LEN). */
  readonly eventLogMaxLen: number;
  readonly history: HistoryPolicy;
  /** Accounts per page when loading a shard from Postgres. */
  readonly pageSize: number;
  /** Longest wait between retries of a failed event application (Postgres or Redis down). */
  readonly retryMaxMs: number;
  /** Full reload of the held shards from Postgres (reconciliation), every this many ms; 0 = never. */
  readonly reconcileEveryMs: number;
  readonly now: () => number;
  readonly onError: (err: unknown, where: string) => void;
  /** Seconds from an accepted change to its margin being readable, per published margin event. */
  readonly changeToMargin?: (seconds: number) => void;
}

/** One worker process's share of the book: its shards, their resident accounts and their events. */
export interface ShardOwner {
  readonly leases: ShardLeases;
  /** Accounts resident in this process's book. */
  residentIds(): string[];
  resident(id: string): ResidentAccount | undefined;
  /** The view last published for an account of a held shard. */
  published(id: string): MarginView | undefined;
  /** Reloads the given resident accounts from Postgres and publishes what changed (consistency repairs). */
  reload(ids: readonly string[]): Promise<void>;
  /** Reloads every held shard and the market data: the reconciliation round. */
  reconcile(): Promise<number>;
  readonly history: HistoryQueue;
  start(): void;
  stop(): Promise<void>;
}

interface Global {
  readonly inputs: GlobalInputs;
  /** canonicalJson of the inputs: a replayed or no-op change is recognised and applies nothing. */
  readonly text: string;
  readonly asOf: number;
  readonly warningParams: ReturnType<typeof resolveParams>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const REPLAY_WINDOW_MS = 60_000;

/**
 * The worker side of the resident-book design. The process leases shards (see shard-leases.ts); on
 * taking one it notes the shard stream's newest event id, loads the shard's accounts from Postgres in
 * pages into its one book, and publishes every view that differs from Redis (so a takeover or an empty
 * Redis rewrites what is missing). From then on it applies the shard's events from that id:
 * `account` re-reads the account's rows, `market` / `params` re-read the shared inputs and update the
 * book once for all its accounts. After each batch of events it publishes the accounts whose view
 * changed (publish-margins.ts), then advances its cursors. A failure retries the same batch with
 * backoff up to `retryMaxMs` (events are idempotent), so an outage delays margins but never skips an
 * event; a killed process's shards are re-read from Postgres by whoever takes them over.
 */
export function createShardOwner(p: ShardOwnerParameters): ShardOwner {
  const cache = createMarginCache(p.redis, p.keys);
  /** The resident accounts, each with what this process last published for it. */
  const residents = new Map<string, PublishedAccount>();
  /** Whether this process published before (see `publish`: Redis lost what it published since). */
  let publishedOnce = false;
  const byShard = new Map<number, Set<string>>();
  const cursors = new Map<number, string>();
  let global: Global | undefined;
  let book: RiskBook | undefined;
  let stopped = false;
  let loop: Promise<void> | undefined;
  let reconcileTimer: NodeJS.Timeout | undefined;
  // Loads, event batches and reconciliations run one at a time: each reads Postgres, then mutates the
  // book and publishes with no await in between that another could interleave with.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };
  const history = createHistoryQueue(p.store.snapshots, {
    retryMaxMs: p.retryMaxMs,
    onError: (err) => p.onError(err, 'history'),
  });

  function bookMarket(inputs: GlobalInputs, asOf: number): BookMarket {
    return {
      asOf,
      params: inputs.params,
      ...(inputs.market.stable === undefined ? {} : { stable: inputs.market.stable }),
      prices: inputs.market.prices,
      markets: inputs.market.markets,
    };
  }

  /** Reads the shared inputs (no mutation yet: the caller applies them with `applyGlobal`). */
  async function readGlobal(): Promise<Global> {
    const inputs = await loadGlobalInputs(p.store);
    return {
      inputs,
      text: canonicalJson(inputs),
      asOf: Math.floor(p.now() / 1000),
      warningParams: resolveParams(inputs.params),
    };
  }

  /**
   * Installs new shared inputs and returns the ids whose summary was recomputed. The book gets a patch
   * of what changed (the markets and prices that differ), so a move of one underlying revalues only its
   * instruments and re-margins only the accounts exposed to it. The valuation time stays put between
   * market changes and advances with `advanceTime` (reconciliation): moving it revalues everything.
   * Inputs equal to the current ones change nothing, so a replayed market event is a no-op.
   */
  function applyGlobal(next: Global, advanceTime = false): readonly string[] {
    const prev = global;
    if (prev && prev.text === next.text && (!advanceTime || prev.asOf === next.asOf)) return [];
    const asOf = !prev || advanceTime ? next.asOf : prev.asOf;
    const sameParams =
      prev !== undefined && canonicalJson(prev.inputs.params) === canonicalJson(next.inputs.params);
    // Unchanged parameters keep their resolved form: the published views' warnings, made from it, are
    // then reused rather than made again per account (publish-margins.ts).
    global = sameParams ? { ...next, asOf, warningParams: prev.warningParams } : { ...next, asOf };
    const market = bookMarket(next.inputs, asOf);
    const pm = prev?.inputs.market;
    const nm = next.inputs.market;
    const removed =
      !pm ||
      Object.keys(pm.markets).some((k) => !(k in nm.markets)) ||
      Object.keys(pm.prices).some((k) => !(k in nm.prices)) ||
      (pm.stable !== undefined && nm.stable === undefined);
    if (!book || !prev || removed) {
      // First load, or market data removed (a patch only adds and replaces): a new book.
      book = createRiskBook(
        market,
        [...residents.values()].map(({ resident: r }) => [r.id, r.account] as const),
      );
      return [...residents.keys()];
    }
    // A market move changes one list of accounts (the book's, returned as is); a params change too.
    const lists: (readonly string[])[] = [];
    try {
      if (!sameParams) lists.push(book.updateParams(next.inputs.params));
      const patch: { -readonly [K in keyof BookMarket]?: BookMarket[K] } = {};
      if (asOf !== prev.asOf) patch.asOf = asOf;
      const differs = (a: unknown, b: unknown) => a !== b && canonicalJson(a) !== canonicalJson(b);
      if (differs(pm.stable, nm.stable) && nm.stable !== undefined) patch.stable = nm.stable;
      const markets = Object.fromEntries(
        Object.entries(nm.markets).filter(([k, v]) => differs(pm.markets[k], v)),
      );
      if (Object.keys(markets).length > 0) patch.markets = markets;
      const prices = Object.fromEntries(
        Object.entries(nm.prices).filter(([k, v]) => differs(pm.prices[k], v)),
      );
      if (Object.keys(prices).length > 0) patch.prices = prices;
      if (Object.keys(patch).length > 0) lists.push(book.updateMarket(patch));
    } catch (err) {
      // The book refuses market data it cannot value (and stays as it was): keep the inputs it has, so
      // the next change is diffed against them, and report it. Retrying the same data would not help.
      if (!isAppError(err)) throw err;
      global = prev;
      p.onError(err, 'market-data');
    }
    return lists.length <= 1 ? (lists[0] ?? []) : [...new Set(lists.flat())];
  }

  /** Reads the given accounts' rows (no mutation). Missing accounts come back as null. */
  async function readAccounts(ids: readonly string[]): Promise<Map<string, ResidentAccount | null>> {
    const accountIds = ids.map((id) => toAccountId(id));
    const [existing, balances, positions, cash] = await Promise.all([
      p.store.accounts.existing(accountIds),
      p.store.balances.listByAccounts(accountIds),
      p.store.positions.listByAccounts<Position>(accountIds),
      p.store.liquidations.cashBalances(accountIds),
    ]);
    const out = new Map<string, ResidentAccount | null>();
    for (const id of accountIds) {
      out.set(
        id,
        existing.has(id)
          ? residentAccount(
              id,
              shardOf(id, p.shards),
              balances.get(id) ?? [],
              positions.get(id) ?? [],
              cashToNumber(cash.get(id) ?? 0n),
            )
          : null,
      );
    }
    return out;
  }

  function install(accounts: ReadonlyMap<string, ResidentAccount | null>): string[] {
    const installed: string[] = [];
    for (const [id, r] of accounts) {
      const shard = shardOf(id, p.shards);
      if (!cursors.has(shard) && !loading.has(shard)) continue; // lost meanwhile
      if (r === null) {
        drop(id);
        continue;
      }
      const known = residents.get(id);
      if (known) known.resident = r;
      else residents.set(id, publishedAccount(r));
      const set = byShard.get(shard) ?? new Set<string>();
      byShard.set(shard, set);
      set.add(id);
      book!.upsertAccount(id, r.account);
      installed.push(id);
    }
    return installed;
  }

  function drop(id: string) {
    const a = residents.get(id);
    // A slice of a publish still being built leaves it out from now on.
    if (a) a.held = false;
    residents.delete(id);
    byShard.get(shardOf(id, p.shards))?.delete(id);
    book?.removeAccount(id);
  }

  async function publish(
    changed: Iterable<string>,
    changedAt: number,
    acknowledged?: ReadonlyMap<string, number>,
  ): Promise<void> {
    if (!global || !book) return;
    // Redis lost its data since this process last published (restarted without persistence, flushed):
    // what it believes published is gone, and a move would rewrite only the views' mark parts. Every
    // resident view is compared with Redis again and rewritten.
    const epoch = p.keys.viewsEpoch(p.workerId);
    const lost = publishedOnce && (await p.redis.exists(epoch)) === 0;
    if (lost) {
      p.onError(new Error('the published views are gone from Redis; rewriting them all'), 'publish');
      for (const a of residents.values()) {
        a.view = undefined;
        a.written = undefined;
      }
    }
    const ids = lost ? [...residents.keys()] : Array.isArray(changed) ? changed : [...changed];
    // One pass over the changed accounts (a market move: every exposed one): what to publish, and the
    // views not known to this process (a shard just taken over), read from Redis first so that only
    // differences are written.
    const accounts: PublishedAccount[] = [];
    const unknown: PublishedAccount[] = [];
    for (const id of ids) {
      const account = residents.get(id);
      if (!account) continue;
      if (account.view === undefined) unknown.push(account);
      accounts.push(account);
    }
    for (let i = 0; i < unknown.length; i += 1_000) {
      const slice = unknown.slice(i, i + 1_000);
      const views = await cache.getViews(slice.map((a) => a.resident.id));
      slice.forEach((a, j) => {
        const v = views[j];
        a.written = undefined;
        if (v) a.view = v;
        // Its own copy of the summary: a market move updates the view's in place.
        if (v?.summary) a.history = { summary: { ...v.summary }, at: v.computedAt };
      });
    }
    const g = global;
    await publishMargins({
      redis: p.redis,
      keys: p.keys,
      cache,
      history,
      policy: p.history,
      thresholds: p.thresholds,
      eventLogMaxLen: p.eventLogMaxLen,
      now: p.now,
      asOf: g.asOf,
      paramsVersion: g.inputs.paramsVersion,
      warningParams: g.warningParams,
      ...(p.changeToMargin ? { changeToMargin: p.changeToMargin } : {}),
      book,
      accounts,
      changedAt,
      ...(acknowledged ? { acknowledged } : {}),
    });
    publishedOnce = true;
    await p.redis.set(epoch, '1', 'EX', 86_400);
  }

  // Shards being loaded (leased, not yet held): their accounts may be installed.
  const loading = new Set<number>();

  async function loadShards(shards: readonly number[]): Promise<string[]> {
    const wanted = new Set(shards);
    const ids: string[] = [];
    let after: AccountId | undefined;
    for (;;) {
      const page = await p.store.accounts.list({ limit: p.pageSize, ...(after ? { after } : {}) });
      if (page.length === 0) break;
      after = page[page.length - 1]!.id;
      const mine = page.filter((a) => wanted.has(shardOf(a.id, p.shards))).map((a) => a.id);
      if (mine.length > 0) ids.push(...install(await readAccounts(mine)));
      if (page.length < p.pageSize) break;
    }
    await publish(ids, 0);
    return ids;
  }

  async function acquire(shards: readonly number[]): Promise<void> {
    await serial(async () => {
      // Events after the newest one now in the stream are applied after the load; older ones are
      // already in Postgres. The last REPLAY_WINDOW_MS of them are applied again anyway (a no-op for the
      // data): a writer waiting for its change (a dead owner's last events) then sees it acknowledged.
      const from = new Map<number, string>();
      for (const s of shards) {
        const last = await lastEventId(p.redis, p.keys, s);
        const ms = Number(last.split('-')[0]);
        from.set(s, ms > REPLAY_WINDOW_MS ? `${ms - REPLAY_WINDOW_MS}-0` : '0-0');
      }
      if (!global) applyGlobal(await readGlobal());
      for (const s of shards) loading.add(s);
      try {
        await loadShards(shards);
        for (const [s, id] of from) cursors.set(s, id);
      } catch (err) {
        for (const s of shards) for (const id of [...(byShard.get(s) ?? [])]) drop(id);
        throw err;
      } finally {
        for (const s of shards) loading.delete(s);
      }
    });
  }

  function lose(shards: readonly number[]): void {
    for (const s of shards) {
      cursors.delete(s);
      for (const id of [...(byShard.get(s) ?? [])]) drop(id);
      byShard.delete(s);
    }
  }

  const leases = createShardLeases({
    redis: p.redis,
    keys: p.keys,
    workerId: p.workerId,
    shards: p.shards,
    leaseMs: p.leaseMs,
    onAcquired: acquire,
    onLost: lose,
    onError: (err) => p.onError(err, 'leases'),
    now: p.now,
  });

  async function apply(entries: readonly ShardEventEntry[]): Promise<void> {
    const accounts = new Map<string, number>();
    let globalAt: number | undefined;
    for (const { shard, event } of entries) {
      if (!cursors.has(shard)) continue;
      if (event.type === 'account') {
        accounts.set(event.accountId, Math.max(accounts.get(event.accountId) ?? 0, event.requestedAt));
      } else globalAt = Math.max(globalAt ?? 0, event.requestedAt);
    }
    // Every read first; then the book changes and the publish, with nothing to interleave.
    const [nextGlobal, rows] = await Promise.all([
      globalAt === undefined ? undefined : readGlobal(),
      accounts.size === 0 ? undefined : readAccounts([...accounts.keys()]),
    ]);
    const moved = nextGlobal ? applyGlobal(nextGlobal) : [];
    let changed: Iterable<string> = moved;
    if (rows) {
      const all = new Set<string>(moved);
      for (const id of install(rows)) all.add(id);
      for (const id of accounts.keys()) if (!residents.has(id)) all.delete(id);
      changed = all;
    }
    await publish(changed, globalAt ?? 0, accounts);
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopped) {
      if (cursors.size === 0) {
        await sleep(50);
        continue;
      }
      let read: Awaited<ReturnType<typeof readShardEvents>>;
      try {
        read = await readShardEvents(p.blocking, p.keys, new Map(cursors), { count: 50_000, blockMs: 200 });
      } catch (err) {
        if (stopped) return;
        p.onError(err, 'read-events');
        await sleep(Math.min(p.retryMaxMs, 100 * 2 ** ++failures));
        continue;
      }
      if (read.length === 0) continue;
      const undecodable = read.filter((e) => e.event === undefined);
      if (undecodable.length > 0)
        p.onError(new Error(`skipped ${undecodable.length} undecodable shard events`), 'read-events');
      const entries = read.filter((e): e is ShardEventEntry => e.event !== undefined);
      for (;;) {
        try {
          await serial(() => apply(entries));
          failures = 0;
          break;
        } catch (err) {
          if (stopped) return;
          p.onError(err, 'apply-events');
          await sleep(Math.min(p.retryMaxMs, 100 * 2 ** ++failures));
        }
      }
      for (const e of read) {
        const cur = cursors.get(e.shard);
        if (cur !== undefined && streamIdBefore(cur, e.id)) cursors.set(e.shard, e.id);
      }
    }
  }

  async function reconcile(): Promise<number> {
    return serial(async () => {
      const shards = [...cursors.keys()];
      if (shards.length === 0) return 0;
      // A cursor behind the stream's cap missed trimmed events: the reload below covers them.
      const from = new Map<number, string>();
      for (const s of shards) {
        from.set(s, await lastEventId(p.redis, p.keys, s));
        const first = await firstEventId(p.redis, p.keys, s);
        const cur = cursors.get(s);
        if (first && cur && streamIdBefore(cur, first) && cur !== '0-0')
          p.onError(new Error(`shard ${s}: events trimmed before they were applied; reloading`), 'reconcile');
      }
      const changedByMarket = applyGlobal(await readGlobal(), true);
      const ids = await loadShards(shards);
      await publish(changedByMarket, 0);
      // Events up to `from` are covered by the reload.
      for (const [s, id] of from) {
        const cur = cursors.get(s);
        if (cur !== undefined && streamIdBefore(cur, id)) cursors.set(s, id);
      }
      return ids.length;
    });
  }

  return {
    leases,
    residentIds: () => [...residents.keys()],
    resident: (id) => residents.get(id)?.resident,
    published: (id) => residents.get(id)?.view,
    history,
    reload: (ids) =>
      serial(async () => {
        // Forget what was published: the views are compared with Redis again, so a wrong or missing
        // cached view is rewritten even when this process believes it published the right one.
        for (const id of ids) {
          const a = residents.get(id);
          if (a) {
            a.view = undefined;
            a.written = undefined;
          }
        }
        const rows = await readAccounts(ids);
        const installed = install(rows);
        await publish(installed, 0);
      }),
    reconcile,
    start() {
      leases.start();
      loop = run();
      if (p.reconcileEveryMs > 0)
        reconcileTimer = setInterval(
          () => void reconcile().catch((err: unknown) => p.onError(err, 'reconcile')),
          p.reconcileEveryMs,
        );
    },
    async stop() {
      stopped = true;
      if (reconcileTimer) clearInterval(reconcileTimer);
      // Unblocks a pending XREAD.
      p.blocking.disconnect();
      await loop;
      await chain;
      await leases.stop();
      await history.close();
    },
  };
}
