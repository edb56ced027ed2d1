import type { Market, ParamsSpec, PriceQuote } from '@xmargin/risk';
import type { Store, StoreRepositories } from '@xmargin/store';
import type { Redis } from 'ioredis';
import { DEFAULT_PARAMS } from './default-params.js';

/** Inputs shared by every account: market data and the active risk parameters. */
export interface GlobalInputs {
  readonly market: {
    readonly stable?: PriceQuote;
    readonly prices: Readonly<Record<string, PriceQuote>>;
    readonly markets: Readonly<Record<string, Market>>;
  };
  readonly params: ParamsSpec;
  readonly paramsVersion: number | null;
}

export interface GlobalInputsCache {
  get(): Promise<GlobalInputs>;
  /** Call after committing a market-data or parameter change (before enqueuing the recomputes). */
  bump(): Promise<void>;
}

/** The shared inputs straight from the ledger (no cache): what a from-scratch recompute reads. */
export async function loadGlobalInputs(
  store: Pick<StoreRepositories, 'marketData' | 'riskParams'>,
): Promise<GlobalInputs> {
  const [market, active] = await Promise.all([
    store.marketData.snapshot<Market, PriceQuote>(),
    store.riskParams.getActive<ParamsSpec>(),
  ]);
  return {
    market: {
      ...(market.stable === null ? {} : { stable: market.stable }),
      prices: market.prices,
      markets: market.markets,
    },
    params: active?.params ?? DEFAULT_PARAMS,
    paramsVersion: active?.version ?? null,
  };
}

/**
 * Every recompute needs the same market data and parameters; reading them from Postgres per account
 * doubled the queries of a job. Each process keeps one copy, revalidated against a version counter in
 * Redis that writers increment after their commit (and at most `maxAgeMs` old as a safety net). A
 * recompute racing a write may use the previous copy, but the write's fan-out enqueues the account
 * again after the bump, so the final snapshot always sees it.
 */
export function createGlobalInputsCache(
  store: Pick<Store, 'marketData' | 'riskParams'>,
  redis: Redis,
  versionKey: string,
  maxAgeMs = 2_000,
): GlobalInputsCache {
  let cached: { version: string | null; at: number; value: GlobalInputs } | undefined;
  let loading: Promise<GlobalInputs> | undefined;

  async function load(version: string | null): Promise<GlobalInputs> {
    const value = await loadGlobalInputs(store);
    cached = { version, at: performance.now(), value };
    return value;
  }

  return {
    async get() {
      const version = await redis.get(versionKey);
      if (cached && cached.version === version && performance.now() - cached.at < maxAgeMs)
        return cached.value;
      // Concurrent jobs of one process share a single reload.
      loading ??= load(version).finally(() => {
        loading = undefined;
      });
      return loading;
    },
    async bump() {
      await redis.incr(versionKey);
    },
  };
}
