import type { AccountId } from '@xmargin/core';
import type { Store } from '@xmargin/store';
import type { Redis } from 'ioredis';
import type { GlobalInputs } from '../margin/global-inputs.js';
import type { LiquidationMetrics } from './liquidation-metrics.js';

/** What the liquidation services use (a subset of the engine context, so their dependencies show). */
export interface LiquidationDeps {
  readonly store: Store;
  /** Unix milliseconds. */
  readonly now: () => number;
  readonly globalInputs?: () => Promise<GlobalInputs>;
  /** Publishes stream events after commit; absent in pure ledger tests. */
  readonly events?: { readonly redis: Redis; readonly prefix: string };
  /** Asks for a margin recompute of accounts whose ledger changed. */
  readonly recompute?: (account: AccountId) => Promise<unknown>;
  readonly metrics?: LiquidationMetrics;
}

export const unixSeconds = (deps: LiquidationDeps) => Math.floor(deps.now() / 1000);
