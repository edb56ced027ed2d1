import type { MarginResult } from '@xmargin/risk';

export interface ChainFreshness {
  readonly chain: string;
  /** Oldest observation among the account's balances on this chain (unix seconds). */
  readonly oldestObservedAt: number;
  readonly newestObservedAt: number;
  /** Trust classes of the account's balances on this chain (`unescrowed`: wallet balances). */
  readonly trust?: readonly ('escrowed' | 'unescrowed')[];
}

/** What the worker writes after each recompute (Redis cache for reads, Postgres for history). */
export interface MarginSnapshot {
  readonly accountId: string;
  /** Unix milliseconds when the worker finished computing. */
  readonly computedAt: number;
  /** The document's asOf (unix seconds). */
  readonly asOf: number;
  /** sha256 of the input document: two snapshots with the same hash saw the same ledger state. */
  readonly inputHash: string;
  readonly paramsVersion: number | null;
  readonly summary: MarginSummary;
  readonly freshness: readonly ChainFreshness[];
  readonly positionKeys: readonly string[];
  readonly result: MarginResult;
  /** When the change that triggered this recompute was accepted (unix ms). */
  readonly requestedAt: number;
}

export interface MarginSummary {
  readonly equity: number;
  readonly initialRequirement: number;
  readonly maintenanceRequirement: number;
  readonly initialExcess: number;
  readonly maintenanceExcess: number;
  readonly markToMarket: number;
}

/** MarginSummary's fields, in its order (the order its JSON and its packed form have them). */
export const SUMMARY_FIELDS = [
  'equity',
  'initialRequirement',
  'maintenanceRequirement',
  'initialExcess',
  'maintenanceExcess',
  'markToMarket',
] as const satisfies readonly (keyof MarginSummary)[];

export function summarize(result: MarginResult): MarginSummary {
  return {
    equity: result.equity,
    initialRequirement: result.initialRequirement,
    maintenanceRequirement: result.maintenanceRequirement,
    initialExcess: result.initialExcess,
    maintenanceExcess: result.maintenanceExcess,
    markToMarket: result.markToMarket,
  };
}

export function freshnessOf(
  collateral: readonly {
    chain?: string | undefined;
    observedAt?: number | undefined;
    trust?: 'escrowed' | 'unescrowed' | undefined;
  }[],
): ChainFreshness[] {
  const byChain = new Map<
    string,
    { oldest: number; newest: number; trust: Set<'escrowed' | 'unescrowed'> }
  >();
  for (const c of collateral) {
    if (c.chain === undefined || c.observedAt === undefined) continue;
    let cur = byChain.get(c.chain);
    if (!cur) {
      cur = { oldest: c.observedAt, newest: c.observedAt, trust: new Set() };
      byChain.set(c.chain, cur);
    } else {
      cur.oldest = Math.min(cur.oldest, c.observedAt);
      cur.newest = Math.max(cur.newest, c.observedAt);
    }
    cur.trust.add(c.trust ?? 'escrowed');
  }
  return [...byChain.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([chain, v]) => ({
      chain,
      oldestObservedAt: v.oldest,
      newestObservedAt: v.newest,
      trust: [...v.trust].sort(),
    }));
}
