import type { Account, MarginSummary } from '../types.js';
import { type AccountRun, type AnyResolvedCollateral, buildAccountRun } from './account-run.js';
import {
  accountSummary,
  aggregateSegment,
  type KernelParams,
  kernelParams,
  type UnderlyingTrace,
  underlyingTrace,
} from './aggregate.js';
import { createInstrumentTable, type InstrumentTable } from './instrument-table.js';
import type { ModelContext } from './model-context.js';
import { createRiskArrays, type RiskArrays, valueNew } from './risk-arrays.js';
import { createRunStore, type RunStore } from './run-store.js';

/** One account margined on its own: a book of one, with everything attribution needs. */
export interface AccountEvaluation {
  readonly kernel: KernelParams;
  readonly table: InstrumentTable;
  readonly arrays: RiskArrays;
  /** Holds the run alone: its segments are 0..run.segHi, in underlying name order. */
  readonly store: RunStore;
  readonly run: AccountRun;
  /** The instrument of each position, in input order. */
  readonly positionInstrument: readonly number[];
  readonly summary: MarginSummary;
  /** Per segment of the run (same order), when traced. */
  readonly traces: readonly UnderlyingTrace[];
}

/**
 * Margins one account by the same steps as a book (instrument table, risk arrays of the instruments it
 * holds, one aggregation per underlying), so `computeMargin`, `computeMarginSummary` and the book share
 * one formula. `trace` keeps the per-underlying scenario figures for the output document.
 */
export function evaluateAccount(
  ctx: ModelContext,
  account: Account,
  trace: boolean,
  collateral?: AnyResolvedCollateral,
): AccountEvaluation {
  const kernel = kernelParams(ctx);
  const capacity = Math.max(1, account.positions?.length ?? 0);
  const table = createInstrumentTable(capacity);
  const arrays = createRiskArrays(kernel.n, capacity);
  const store = createRunStore(capacity, 4);
  const positionInstrument: number[] = [];
  const run = buildAccountRun(ctx, table, store, account, collateral, positionInstrument);
  valueNew(arrays, table, kernel, ctx);
  const traces: UnderlyingTrace[] = [];
  for (let j = run.segLo; j < run.segHi; j++) {
    const tr = trace ? underlyingTrace(arrays.kernel[store.segU[j]!]!.n) : undefined;
    aggregateSegment(kernel, table, arrays, store, j, tr);
    if (tr) traces.push(tr);
  }
  const summary = accountSummary(kernel, run.terms, store, run.segLo, run.segHi);
  return { kernel, table, arrays, store, run, positionInstrument, summary, traces };
}
