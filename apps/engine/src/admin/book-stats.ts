import { formatUnits } from 'viem';
import { type BookRow, MARGIN_MODES, type MarginMode } from './book-rows.js';

export type BookMetric = 'marginRatio' | 'maintenanceExcess' | 'initialExcess' | 'equity';

/**
 * Maintenance requirement over equity in one mode: 0 carries no risk, 1 or more is liquidatable.
 * Infinity when the account has a requirement and no positive equity.
 */
export function marginRatio(row: BookRow, mode: MarginMode = 'portfolio'): number {
  const mm = row.modes[mode].maintenanceRequirement;
  if (mm <= 0) return 0;
  return row.equity > 0 ? mm / row.equity : Number.POSITIVE_INFINITY;
}

export function metricValue(row: BookRow, metric: BookMetric, mode: MarginMode): number {
  switch (metric) {
    case 'marginRatio':
      return marginRatio(row, mode);
    case 'maintenanceExcess':
      return row.equity - row.modes[mode].maintenanceRequirement;
    case 'initialExcess':
      return row.equity - row.modes[mode].initialRequirement;
    case 'equity':
      return row.equity;
  }
}

/** At or above this margin ratio (and below 1) an account is near liquidation. */
export const NEAR_LIQUIDATION_RATIO = 0.8;

export interface BookSummary {
  readonly accounts: number;
  readonly margined: number;
  readonly equity: number;
  readonly initialRequirement: number;
  readonly maintenanceRequirement: number;
  readonly initialExcess: number;
  readonly maintenanceExcess: number;
  readonly liquidatable: number;
  readonly nearLiquidation: number;
  readonly nearLiquidationRatio: number;
  /** Sum of isolated initial requirements over the sum of portfolio ones; null when the latter is 0. */
  readonly capitalEfficiency: number | null;
  readonly modes: Readonly<
    Record<MarginMode, { readonly initialRequirement: number; readonly maintenanceRequirement: number }>
  >;
  readonly collateral: {
    readonly chain: string;
    readonly accounts: number;
    readonly assets: { readonly asset: string; readonly amount: string; readonly value: number }[];
    readonly value: number;
  }[];
  readonly chains: {
    readonly chain: string;
    readonly oldestObservedAt: number;
    readonly ageSeconds: number;
    readonly stale: boolean;
  }[];
  readonly staleAfterSeconds: number | null;
  readonly stale: boolean;
}

export interface SummarizeBookParameters {
  readonly nowSeconds: number;
  /** Attestations older than this make a chain stale (the parameters' collateralMaxAgeSeconds). */
  readonly staleAfterSeconds: number | null;
  /** Price of one whole unit of an asset in stable units (0 when unknown). */
  readonly priceOf: (asset: string) => number;
}

export function summarizeBook(rows: readonly BookRow[], p: SummarizeBookParameters): BookSummary {
  let equity = 0;
  let im = 0;
  let mm = 0;
  let margined = 0;
  let liquidatable = 0;
  let near = 0;
  const modes = Object.fromEntries(
    MARGIN_MODES.map((m) => [m, { initialRequirement: 0, maintenanceRequirement: 0 }]),
  ) as Record<MarginMode, { initialRequirement: number; maintenanceRequirement: number }>;
  const collateral = new Map<
    string,
    { accounts: Set<string>; assets: Map<string, { amount: bigint; decimals: number }> }
  >();
  const oldest = new Map<string, number>();
  for (const r of rows) {
    if (r.computedAt !== null) margined++;
    equity += r.equity;
    im += r.initialRequirement;
    mm += r.maintenanceRequirement;
    for (const m of MARGIN_MODES) {
      modes[m].initialRequirement += r.modes[m].initialRequirement;
      modes[m].maintenanceRequirement += r.modes[m].maintenanceRequirement;
    }
    if (r.maintenanceExcess < 0) liquidatable++;
    else if (marginRatio(r) >= NEAR_LIQUIDATION_RATIO) near++;
    for (const c of r.collateral) {
      const entry = collateral.get(c.chain) ?? { accounts: new Set<string>(), assets: new Map() };
      entry.accounts.add(r.accountId);
      const a = entry.assets.get(c.asset) ?? { amount: 0n, decimals: c.decimals };
      a.amount += c.decimals === a.decimals ? c.amount : 0n;
      entry.assets.set(c.asset, a);
      collateral.set(c.chain, entry);
    }
    for (const f of r.freshness) {
      const cur = oldest.get(f.chain);
      if (cur === undefined || f.oldestObservedAt < cur) oldest.set(f.chain, f.oldestObservedAt);
    }
  }
  const chains = [...oldest.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([chain, at]) => {
      const ageSeconds = Math.max(0, p.nowSeconds - at);
      return {
        chain,
        oldestObservedAt: at,
        ageSeconds,
        stale: p.staleAfterSeconds !== null && ageSeconds > p.staleAfterSeconds,
      };
    });
  const isolated = modes.isolated.initialRequirement;
  const portfolio = modes.portfolio.initialRequirement;
  return {
    accounts: rows.length,
    margined,
    equity,
    initialRequirement: im,
    maintenanceRequirement: mm,
    initialExcess: equity - im,
    maintenanceExcess: equity - mm,
    liquidatable,
    nearLiquidation: near,
    nearLiquidationRatio: NEAR_LIQUIDATION_RATIO,
    capitalEfficiency: portfolio > 0 ? isolated / portfolio : null,
    modes,
    collateral: [...collateral.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([chain, e]) => {
        const assets = [...e.assets.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([asset, a]) => {
            const amount = formatUnits(a.amount, a.decimals);
            return { asset, amount, value: Number(amount) * p.priceOf(asset) };
          });
        return { chain, accounts: e.accounts.size, assets, value: assets.reduce((s, a) => s + a.value, 0) };
      }),
    chains,
    staleAfterSeconds: p.staleAfterSeconds,
    stale: chains.some((c) => c.stale),
  };
}

export interface HistogramParameters {
  readonly metric: BookMetric;
  readonly bins: number;
  readonly modes: readonly MarginMode[];
}

export interface BookHistogram {
  readonly metric: BookMetric;
  /** bins + 1 edges; bin i is [edges[i], edges[i+1]), the last one closed. */
  readonly edges: number[];
  readonly series: {
    readonly mode: MarginMode;
    readonly counts: number[];
    /** Values above the range (margin ratio: no equity, or above the cap). */
    readonly overflow: number;
  }[];
  readonly accounts: number;
}

/** Margin ratios above this land in the overflow count rather than stretching every bin. */
export const MARGIN_RATIO_CAP = 3;

/** The common range of every requested mode's values, so their histograms overlay bin for bin. */
export function histogramRange(
  rows: readonly BookRow[],
  metric: BookMetric,
  modes: readonly MarginMode[],
): { lo: number; hi: number } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    if (r.computedAt === null) continue;
    for (const m of modes) {
      const v = metricValue(r, metric, m);
      if (!Number.isFinite(v)) continue;
      if (metric === 'marginRatio' && v > MARGIN_RATIO_CAP) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (metric === 'marginRatio') return { lo: 0, hi: Math.max(1, Number.isFinite(hi) ? hi : 1) };
  if (!Number.isFinite(lo)) return { lo: 0, hi: 1 };
  if (lo === hi) return { lo: lo - 0.5, hi: hi + 0.5 };
  return { lo, hi };
}

/** The bin of a value, -1 below the range, `bins` above it (or not finite). */
export function binOf(v: number, lo: number, hi: number, bins: number): number {
  if (!Number.isFinite(v) || v > hi) return bins;
  if (v < lo) return -1;
  return Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins));
}

export function bookHistogram(rows: readonly BookRow[], p: HistogramParameters): BookHistogram {
  const { lo, hi } = histogramRange(rows, p.metric, p.modes);
  const edges = Array.from({ length: p.bins + 1 }, (_, i) => lo + ((hi - lo) * i) / p.bins);
  const margined = rows.filter((r) => r.computedAt !== null);
  return {
    metric: p.metric,
    edges,
    series: p.modes.map((mode) => {
      const counts = new Array<number>(p.bins).fill(0);
      let overflow = 0;
      for (const r of margined) {
        const b = binOf(metricValue(r, p.metric, mode), lo, hi, p.bins);
        if (b >= p.bins || b < 0) overflow++;
        else counts[b] = (counts[b] ?? 0) + 1;
      }
      return { mode, counts, overflow };
    }),
    accounts: margined.length,
  };
}

export type AccountSort =
  | 'accountId'
  | 'equity'
  | 'initialRequirement'
  | 'maintenanceRequirement'
  | 'initialExcess'
  | 'maintenanceExcess'
  | 'marginRatio'
  | 'capitalEfficiency'
  | 'positions'
  | 'computedAt';

export interface QueryAccountsParameters {
  /** Substring of the account id (case-insensitive). */
  readonly q?: string | undefined;
  readonly sort: AccountSort;
  readonly dir: 'asc' | 'desc';
  readonly offset: number;
  readonly limit: number;
  /** Only the accounts in one histogram bin (`bins` as asked for the histogram; `bin` = bins: overflow). */
  readonly bin?: { metric: BookMetric; mode: MarginMode; bins: number; bin: number } | undefined;
}

export interface AccountRowView {
  readonly accountId: string;
  readonly computedAt: number | null;
  readonly equity: number;
  readonly initialRequirement: number;
  readonly maintenanceRequirement: number;
  readonly initialExcess: number;
  readonly maintenanceExcess: number;
  /** null: a requirement without positive equity (infinite ratio). */
  readonly marginRatio: number | null;
  readonly capitalEfficiency: number | null;
  readonly positions: number;
  readonly chains: string[];
}

function sortKey(r: BookRow, sort: AccountSort): number | string {
  switch (sort) {
    case 'accountId':
      return r.accountId;
    case 'marginRatio':
      return marginRatio(r);
    case 'capitalEfficiency':
      return r.capitalEfficiency ?? Number.NEGATIVE_INFINITY;
    case 'computedAt':
      return r.computedAt ?? 0;
    default:
      return r[sort];
  }
}

/** Filters, sorts (ties by account id, so pages never overlap) and pages the book. */
export function queryAccounts(
  rows: readonly BookRow[],
  p: QueryAccountsParameters,
): { total: number; offset: number; limit: number; accounts: AccountRowView[] } {
  const q = p.q?.trim().toLowerCase();
  let selected = q ? rows.filter((r) => r.accountId.toLowerCase().includes(q)) : [...rows];
  if (p.bin) {
    const { metric, mode, bins, bin } = p.bin;
    const { lo, hi } = histogramRange(rows, metric, [mode]);
    selected = selected.filter((r) => {
      if (r.computedAt === null) return false;
      const b = binOf(metricValue(r, metric, mode), lo, hi, bins);
      return bin >= bins ? b >= bins || b < 0 : b === bin;
    });
  }
  const sign = p.dir === 'asc' ? 1 : -1;
  selected.sort((a, b) => {
    const ka = sortKey(a, p.sort);
    const kb = sortKey(b, p.sort);
    if (ka < kb) return -sign;
    if (ka > kb) return sign;
    return a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0;
  });
  return {
    total: selected.length,
    offset: p.offset,
    limit: p.limit,
    accounts: selected.slice(p.offset, p.offset + p.limit).map((r) => {
      const ratio = marginRatio(r);
      return {
        accountId: r.accountId,
        computedAt: r.computedAt,
        equity: r.equity,
        initialRequirement: r.initialRequirement,
        maintenanceRequirement: r.maintenanceRequirement,
        initialExcess: r.initialExcess,
        maintenanceExcess: r.maintenanceExcess,
        marginRatio: Number.isFinite(ratio) ? ratio : null,
        capitalEfficiency: r.capitalEfficiency,
        positions: r.positions,
        chains: [...new Set(r.collateral.map((c) => c.chain))].sort(),
      };
    }),
  };
}
