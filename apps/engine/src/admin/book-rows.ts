import type { AccountId } from '@xmargin/core';
import type { BalanceRecord, StoreRepositories } from '@xmargin/store';
import type { MarginCache } from '../margin/margin-cache.js';
import type { ChainFreshness } from '../margin/snapshot.js';

export type MarginMode = 'isolated' | 'cross' | 'portfolio';
export const MARGIN_MODES: readonly MarginMode[] = ['isolated', 'cross', 'portfolio'];

/** One account of the book, reduced to what the operator views aggregate, sort and bin. */
export interface BookRow {
  readonly accountId: string;
  /** Unix ms of the snapshot; null when the account has never been margined. */
  readonly computedAt: number | null;
  readonly equity: number;
  readonly initialRequirement: number;
  readonly maintenanceRequirement: number;
  readonly initialExcess: number;
  readonly maintenanceExcess: number;
  readonly modes: Readonly<
    Record<MarginMode, { readonly initialRequirement: number; readonly maintenanceRequirement: number }>
  >;
  readonly capitalEfficiency: number | null;
  readonly positions: number;
  readonly freshness: readonly ChainFreshness[];
  /** Raw collateral per (chain, asset) in the asset's smallest unit. */
  readonly collateral: readonly { chain: string; asset: string; amount: bigint; decimals: number }[];
}

const CHUNK = 500;

function collateralOf(balances: readonly BalanceRecord[]): BookRow['collateral'] {
  const byKey = new Map<string, { chain: string; asset: string; amount: bigint; decimals: number }>();
  for (const b of balances) {
    if (b.amount <= 0n) continue;
    const key = `${b.chain}\u0000${b.asset}`;
    const cur = byKey.get(key);
    if (cur && cur.decimals === b.decimals) cur.amount += b.amount;
    else if (!cur) byKey.set(key, { chain: b.chain, asset: b.asset, amount: b.amount, decimals: b.decimals });
  }
  return [...byKey.values()];
}

/**
 * Reads the whole book: every account (the ledger, in id order), its latest snapshot (the Redis margin
 * cache the workers write) and its balances. Chunked so that one read never holds more than CHUNK
 * snapshots; the GETs of a chunk go out together on one connection.
 */
export async function loadBookRows(deps: {
  readonly store: Pick<StoreRepositories, 'accounts' | 'balances'>;
  readonly marginCache: Pick<MarginCache, 'get'>;
}): Promise<BookRow[]> {
  const rows: BookRow[] = [];
  let after: AccountId | undefined;
  for (;;) {
    const accounts = await deps.store.accounts.list({
      limit: CHUNK,
      ...(after === undefined ? {} : { after }),
    });
    if (accounts.length === 0) break;
    const ids = accounts.map((a) => a.id);
    const [snapshots, balances] = await Promise.all([
      Promise.all(ids.map((id) => deps.marginCache.get(id))),
      deps.store.balances.listByAccounts(ids),
    ]);
    for (const [i, id] of ids.entries()) {
      const s = snapshots[i] ?? null;
      const zero = { initialRequirement: 0, maintenanceRequirement: 0 };
      const mode = (m: MarginMode) =>
        s
          ? {
              initialRequirement: s.result.modes[m].initialRequirement,
              maintenanceRequirement: s.result.modes[m].maintenanceRequirement,
            }
          : zero;
      rows.push({
        accountId: id,
        computedAt: s?.computedAt ?? null,
        equity: s?.summary.equity ?? 0,
        initialRequirement: s?.summary.initialRequirement ?? 0,
        maintenanceRequirement: s?.summary.maintenanceRequirement ?? 0,
        initialExcess: s?.summary.initialExcess ?? 0,
        maintenanceExcess: s?.summary.maintenanceExcess ?? 0,
        modes: { isolated: mode('isolated'), cross: mode('cross'), portfolio: mode('portfolio') },
        capitalEfficiency: s?.result.capitalEfficiency ?? null,
        positions: s?.positionKeys.length ?? 0,
        freshness: s?.freshness ?? [],
        collateral: collateralOf(balances.get(id) ?? []),
      });
    }
    if (accounts.length < CHUNK) break;
    after = ids[ids.length - 1];
  }
  return rows;
}

/**
 * The book rows, read at most once per `ttlMs` per process however many console pages ask: an
 * operator view may be a couple of seconds old, the engine's hot paths must not pay for it.
 */
export interface BookIndex {
  rows(): Promise<readonly BookRow[]>;
}

export function createBookIndex(load: () => Promise<BookRow[]>, ttlMs = 2_000): BookIndex {
  let cached: { at: number; rows: BookRow[] } | undefined;
  let loading: Promise<BookRow[]> | undefined;
  return {
    async rows() {
      if (cached && performance.now() - cached.at < ttlMs) return cached.rows;
      loading ??= load()
        .then((rows) => {
          cached = { at: performance.now(), rows };
          return rows;
        })
        .finally(() => {
          loading = undefined;
        });
      return loading;
    },
  };
}
