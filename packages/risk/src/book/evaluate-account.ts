import type { ResolvedCollateral } from '../model/collateral.js';
import type { MarginContext } from '../model/context.js';
import type { Account, MarginSummary } from '../types.js';
import { type AccountRun, buildAccountRun } from './account-run.js';
import {
  accountSummary,
  aggregateSegment,
  type KernelParams,
  kernelParams,
  type UnderlyingTrace,
  underlyingTrace,
} from './aggregate.js';
import { createInstrumentTable, type InstrumentTable } from './instrument-table.js';
import { createRiskArrays, type RiskArrays, valueNew } from './risk-arrays.js';

/** One account margined on its own: a book of one, with everything attribution needs. */
export interface AccountEvaluation {
  readonly kernel: KernelParams;
  readonly table: InstrumentTable;
  readonly arrays: RiskArrays;
  readonly run: AccountRun & { readonly positionInstrument: readonly number[] };
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
  ctx: MarginContext,
  account: Account,
  trace: boolean,
  collateral?: ResolvedCollateral,
): AccountEvaluation {
  const kernel = kernelParams(ctx);
  const capacity = Math.max(1, account.positions?.length ?? 0);
  const table = createInstrumentTable(capacity);
  const arrays = createRiskArrays(kernel.n, capacity);
  const run = buildAccountRun(ctx, table, account, collateral);
  valueNew(arrays, table, ctx);
  const traces: UnderlyingTrace[] = [];
  for (const seg of run.segments) {
    const tr = trace ? underlyingTrace(kernel.n) : undefined;
    aggregateSegment(kernel, table, arrays, run, seg, tr);
    if (tr) traces.push(tr);
  }
  return { kernel, table, arrays, run, summary: accountSummary(kernel, run.terms, run.segments), traces };
}
