import type { AccountId } from '@xmargin/core';
import type { EngineContext } from '../context.js';
import { settlementOf } from '../settlement/settlement-signer.js';
import type { LiquidationDeps } from './liquidation-deps.js';
import { createLiquidationMetrics, type LiquidationMetrics } from './liquidation-metrics.js';

const metricsByRegistry = new WeakMap<object, LiquidationMetrics>();

/** The liquidation services' dependencies, taken from the engine context (metrics created once per engine). */
export function liquidationDeps(ctx: EngineContext): LiquidationDeps {
  let metrics = metricsByRegistry.get(ctx.metrics.registry);
  if (!metrics) {
    metrics = createLiquidationMetrics(ctx.metrics.registry);
    metricsByRegistry.set(ctx.metrics.registry, metrics);
  }
  return {
    store: ctx.store,
    now: ctx.now,
    globalInputs: () => ctx.globalInputs.get(),
    events: { redis: ctx.redis, key: ctx.keys.liquidationEvents, maxLen: ctx.settings.eventLogMaxLen },
    // The account's shard owner re-reads it from the ledger and republishes its margin.
    recompute: async (account: AccountId) => {
      await ctx.shardEvents.accountsChanged([account], ctx.now());
    },
    metrics,
    settlement: () => settlementOf(ctx),
  };
}
