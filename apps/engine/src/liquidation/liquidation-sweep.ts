import type { AccountId } from '@xmargin/core';
import { authoriseSeizures } from '../settlement/seizures.js';
import { evaluateAccount } from './evaluate-account.js';
import type { LiquidationDeps } from './liquidation-deps.js';
import { publishLiquidationEvents } from './liquidation-events.js';
import { withdrawalsBlocked } from './withdrawal-guard.js';

export interface SweepResult {
  readonly evaluated: number;
  readonly started: number;
  readonly ended: number;
  /** Accounts whose evaluation failed (each is retried on the next tick). */
  readonly failed: readonly { account: AccountId; error: unknown }[];
}

/**
 * One sweep tick (spec section 4): every account whose latest margin snapshot shows maintenance excess
 * < 0 (closest to liquidation first) and every account with an ongoing auction is evaluated from the
 * ledger with exact figures. A restarted engine resumes auctions here: their state is stored times and
 * reserved cash, and their clocks kept running.
 */
export async function runLiquidationSweep(deps: LiquidationDeps, limit = 1_000): Promise<SweepResult> {
  const [underwater, ongoing] = await Promise.all([
    deps.store.snapshots.listLatest({ maxMaintenanceExcess: 0, limit }),
    deps.store.liquidations.list({ status: 'ongoing', limit }),
  ]);
  const accounts = [
    ...new Set<AccountId>([...ongoing.map((a) => a.account), ...underwater.map((s) => s.account)]),
  ];
  let started = 0;
  let ended = 0;
  const failed: { account: AccountId; error: unknown }[] = [];
  for (const account of accounts) {
    try {
      const r = await evaluateAccount(deps, account);
      started += r.events.filter((e) => e.type === 'started').length;
      ended += r.events.filter((e) => e.type === 'terminated').length;
    } catch (error) {
      failed.push({ account, error });
    }
  }
  return { evaluated: accounts.length, started, ended, failed };
}

/** Announces a change of the book-wide withdrawal block (the `withdrawals` stream event). */
async function announceWithdrawals(deps: LiquidationDeps, last: { blocked: boolean | null }): Promise<void> {
  const blocked = await withdrawalsBlocked(deps.store);
  if (blocked === last.blocked) return;
  last.blocked = blocked;
  if (deps.events) {
    await publishLiquidationEvents(deps.events, [
      {
        type: 'withdrawals',
        auctionId: null,
        accountId: null,
        time: Math.floor(deps.now() / 1000),
        data: { blocked },
      },
    ]);
  }
}

export interface LiquidationSweeper {
  /** Runs one tick now (also what the timer runs); ticks never overlap. */
  tick(): Promise<SweepResult | null>;
  close(): Promise<void>;
}

/** Runs the sweep every `everyMs` in a worker process; failures are reported to `onFailure`. */
export function startLiquidationSweeper(
  deps: LiquidationDeps,
  everyMs: number,
  onFailure: (failure: { account?: AccountId; error: unknown }) => void,
): LiquidationSweeper {
  let running: Promise<SweepResult | null> | null = null;
  const last = { blocked: null as boolean | null };
  const tick = () => {
    if (running) return running;
    running = runLiquidationSweep(deps)
      .then(async (r) => {
        for (const f of r.failed) onFailure(f);
        await announceWithdrawals(deps, last);
        // Seizures not signed at their bid (no linked address yet, RPC down) or whose deadline passed.
        if (deps.settlement) await authoriseSeizures({ ...deps, settlement: deps.settlement });
        return r;
      })
      .catch((error: unknown) => {
        onFailure({ error });
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return {
    tick,
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
