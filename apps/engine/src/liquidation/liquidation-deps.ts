import type { AccountId } from '@xmargin/core';
import type { Store } from '@xmargin/store';
import type { GlobalInputs } from '../margin/global-inputs.js';
import type { SettlementDeps } from '../settlement/settlement-signer.js';
import type { LiquidationEventLog } from './liquidation-events.js';
import type { LiquidationMetrics } from './liquidation-metrics.js';

/** What the liquidation services use (a subset of the engine context, so their dependencies show). */
export interface LiquidationDeps {
  readonly store: Store;
  /** Unix milliseconds. */
  readonly now: () => number;
  readonly globalInputs?: () => Promise<GlobalInputs>;
  /** The event log auction events are appended to after commit; absent in pure ledger tests. */
  readonly events?: LiquidationEventLog;
  /** Asks for a margin recompute of accounts whose ledger changed. */
  readonly recompute?: (account: AccountId) => Promise<unknown>;
  readonly metrics?: LiquidationMetrics;
  /** The settlement key that signs the vault Seizes of settlement instructions (absent: none signed). */
  readonly settlement?: () => SettlementDeps;
}

export const unixSeconds = (deps: LiquidationDeps) => Math.floor(deps.now() / 1000);

/**
 * The shared market inputs read once BEFORE a liquidation transaction: inside it, every read must use the
 * transaction's own connection (on PGlite, the only one: a read outside it would wait for the
 * transaction, which waits for the read). Undefined: the book reads them through the transaction.
 */
export async function sharedInputs(
  deps: LiquidationDeps,
): Promise<(() => Promise<GlobalInputs>) | undefined> {
  if (!deps.globalInputs) return undefined;
  const inputs = await deps.globalInputs();
  return async () => inputs;
}
