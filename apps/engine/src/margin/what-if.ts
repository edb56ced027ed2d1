import { type AccountId, parseAmount } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import { computeMargin, type MarginDocument } from '@xmargin/risk';
import type { PositionBody } from '@xmargin/schemas/http';
import type { EngineContext } from '../context.js';
import { toRiskPosition } from '../positions/to-risk-position.js';
import { buildMarginDocument, dedupeVaultBalances } from './build-document.js';
import { loadMarginInputs } from './load-margin-inputs.js';
import { type MarginSummary, summarize } from './snapshot.js';

export interface WhatIfChanges {
  readonly positions: { readonly upsert: readonly PositionBody[]; readonly remove: readonly string[] };
  readonly collateral: readonly { readonly asset: string; readonly chain: string; readonly delta: string }[];
  readonly market?:
    | {
        readonly prices?: Record<string, { price: number; confidence?: number | undefined }> | undefined;
        readonly markets?: MarginDocument['markets'] | undefined;
      }
    | undefined;
}

export interface WhatIfOutcome {
  readonly accountId: string;
  readonly asOf: number;
  readonly current: MarginSummary;
  readonly proposed: MarginSummary;
  readonly change: MarginSummary;
  readonly acceptable: boolean;
}

const diff = (a: MarginSummary, b: MarginSummary): MarginSummary => ({
  equity: b.equity - a.equity,
  initialRequirement: b.initialRequirement - a.initialRequirement,
  maintenanceRequirement: b.maintenanceRequirement - a.maintenanceRequirement,
  initialExcess: b.initialExcess - a.initialExcess,
  maintenanceExcess: b.maintenanceExcess - a.maintenanceExcess,
  markToMarket: b.markToMarket - a.markToMarket,
});

function invalid(path: string, message: string): AppError {
  return new AppError('API__INVALID_REQUEST', {
    context: { part: 'body', issues: [{ path, message }] },
    shortMessage: message,
  });
}

/**
 * Pre-trade check, synchronous and side-effect free: the stored account as the worker would compute it
 * now, and the same account with the proposed position, collateral and market changes. Position changes
 * apply within `protocol` (a protocol key can only propose changes to its own book).
 */
export async function whatIf(
  ctx: Pick<EngineContext, 'store' | 'globalInputs' | 'now'>,
  id: AccountId,
  protocol: string,
  changes: WhatIfChanges,
): Promise<WhatIfOutcome> {
  await ctx.store.accounts.require(id);
  const inputs = await loadMarginInputs(ctx.store, id, ctx.globalInputs.get);
  const asOf = Math.floor(ctx.now() / 1000);
  const current = buildMarginDocument({ ...inputs, asOf }).document;

  const positions = new Map(inputs.positions.map((p) => [`${p.protocol}\u0000${p.positionId}`, p]));
  for (const [i, removeId] of changes.positions.remove.entries()) {
    if (!positions.delete(`${protocol}\u0000${removeId}`))
      invalidThrow(`positions.remove.${i}`, `no position ${removeId}`);
  }
  for (const body of changes.positions.upsert) {
    const { id: positionId, position } = toRiskPosition(body);
    positions.set(`${protocol}\u0000${positionId}`, { protocol, positionId, position });
  }
  // Changes apply to the balances that count (one per vault holder), then the document is rebuilt.
  const balances = dedupeVaultBalances(inputs.balances).map((b) => ({ ...b }));
  for (const [i, c] of changes.collateral.entries()) {
    const existing = balances.find((b) => b.chain === c.chain && b.asset === c.asset && b.source !== 'query');
    const decimals = existing?.decimals ?? 18;
    const delta = parseAmount(c.delta, decimals, 'floor').raw;
    if (existing) {
      existing.amount += delta;
      if (existing.amount < 0n)
        invalidThrow(`collateral.${i}.delta`, `withdraws more ${c.asset} than the balance on ${c.chain}`);
    } else {
      if (delta < 0n)
        invalidThrow(`collateral.${i}.delta`, `no ${c.asset} balance on ${c.chain} to withdraw from`);
      balances.push({
        chain: c.chain,
        asset: c.asset,
        amount: delta,
        decimals,
        source: 'indexer',
        holder: 'what-if',
        height: 0n,
        observedAt: asOf,
      });
    }
  }
  const market = {
    ...inputs.market,
    prices: { ...inputs.market.prices, ...changes.market?.prices },
    markets: { ...inputs.market.markets, ...changes.market?.markets },
  };
  const proposed = buildMarginDocument({
    ...inputs,
    balances,
    market,
    positions: [...positions.values()],
    asOf,
  }).document;
  const before = summarize(computeMargin(current));
  const after = summarize(computeMargin(proposed));
  return {
    accountId: id,
    asOf,
    current: before,
    proposed: after,
    change: diff(before, after),
    acceptable: after.initialExcess >= 0 || after.initialExcess >= before.initialExcess,
  };
}

function invalidThrow(path: string, message: string): never {
  throw invalid(path, message);
}
