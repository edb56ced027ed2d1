import type { AccountId } from '@xmargin/core';
import { computeMargin, type MarginResult, type Position } from '@xmargin/risk';
import type { BalanceRecord, StoreRepositories } from '@xmargin/store';
import { cashToNumber } from '../liquidation/cash-units.js';
import { buildMarginDocument } from '../margin/build-document.js';
import type { GlobalInputs } from '../margin/global-inputs.js';
import { toMarginInputs } from '../margin/load-margin-inputs.js';
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
 * Reads the whole book: every account (the ledger, in id order), its published view (the Redis margin
 * view the shard owners write: summary, freshness, when) and its balances. The per-mode figures
 * (isolated, cross, portfolio) and capital efficiency are not part of the resident views: they are
 * computed here from the same ledger rows, like explain, once per read of the index. Chunked so that one
 * read never holds more than CHUNK accounts; each chunk is one MGET and one query per table.
 */
export async function loadBookRows(deps: {
  readonly store: Pick<StoreRepositories, 'accounts' | 'balances' | 'positions' | 'liquidations'>;
  readonly marginCache: Pick<MarginCache, 'getViews'>;
  readonly globalInputs: () => Promise<GlobalInputs>;
  readonly now: () => number;
}): Promise<BookRow[]> {
  const rows: BookRow[] = [];
  const shared = await deps.globalInputs();
  const asOf = Math.floor(deps.now() / 1000);
  let after: AccountId | undefined;
  for (;;) {
    const accounts = await deps.store.accounts.list({
      limit: CHUNK,
      ...(after === undefined ? {} : { after }),
    });
    if (accounts.length === 0) break;
    const ids = accounts.map((a) => a.id);
    const [views, balances, positions, cash] = await Promise.all([
      deps.marginCache.getViews(ids),
      deps.store.balances.listByAccounts(ids),
      deps.store.positions.listByAccounts<Position>(ids),
      deps.store.liquidations.cashBalances(ids),
    ]);
    for (const [i, id] of ids.entries()) {
      const v = views[i] ?? null;
      const s = v?.summary ?? null;
      const result = fullResult(
        toMarginInputs(
          balances.get(id) ?? [],
          positions.get(id) ?? [],
          shared,
          cashToNumber(cash.get(id) ?? 0n),
        ),
        asOf,
      );
      const zero = { initialRequirement: 0, maintenanceRequirement: 0 };
      const mode = (m: MarginMode) =>
        result
          ? {
              initialRequirement: result.modes[m].initialRequirement,
              maintenanceRequirement: result.modes[m].maintenanceRequirement,
            }
          : zero;
      rows.push({
        accountId: id,
        computedAt: v?.computedAt ?? null,
        equity: s?.equity ?? 0,
        initialRequirement: s?.initialRequirement ?? 0,
        maintenanceRequirement: s?.maintenanceRequirement ?? 0,
        initialExcess: s?.initialExcess ?? 0,
        maintenanceExcess: s?.maintenanceExcess ?? 0,
        modes: { isolated: mode('isolated'), cross: mode('cross'), portfolio: mode('portfolio') },
        capitalEfficiency: result?.capitalEfficiency ?? null,
        positions: (positions.get(id) ?? []).length,
        freshness: v?.freshness ?? [],
        collateral: collateralOf(balances.get(id) ?? []),
      });
    }
    if (accounts.length < CHUNK) break;
    after = ids[ids.length - 1];
  }
  return rows;
}

/** The full section-6 result of one account's ledger rows, or null when it cannot be computed. */
export function fullResult(inputs: ReturnType<typeof toMarginInputs>, asOf: number): MarginResult | null {
  try {
    return computeMargin(buildMarginDocument({ ...inputs, asOf }).document);
  } catch {
    // An uncomputable account is listed (stale) by the shard owner; here it simply has no mode figures.
    return null;
  }
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
