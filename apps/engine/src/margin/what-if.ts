import { type AccountId, chains, parseAmount } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import {
  checkWhatIfCollateral,
  evaluateWhatIf,
  type MarginDocument,
  type MarginWarning,
  type MaxPassingSize,
  resolveParams,
} from '@xmargin/risk';
import type { PositionBody } from '@xmargin/schemas/http';
import type { EngineContext } from '../context.js';
import { toRiskPosition } from '../positions/to-risk-position.js';
import { buildMarginDocument, dedupeVaultBalances } from './build-document.js';
import { loadMarginInputs } from './load-margin-inputs.js';
import type { MarginSummary } from './snapshot.js';

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
  readonly riskAdding: boolean;
  readonly passes: boolean;
  readonly maxPassingSize: MaxPassingSize | null;
  readonly warnings: MarginWarning[];
}

const CHAIN_NAMES: readonly string[] = Object.keys(chains);

function invalid(path: string, message: string): AppError<'API__INVALID_REQUEST'> {
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
      invalidThrow(`$.positions.remove[${i}]`, `no position ${removeId}`);
  }
  let sizedKey: string | undefined;
  for (const body of changes.positions.upsert) {
    const { id: positionId, position } = toRiskPosition(body);
    sizedKey = `${protocol}\u0000${positionId}`;
    positions.set(sizedKey, { protocol, positionId, position });
  }
  // Changes apply to the balances that count (one per vault holder), then the document is rebuilt.
  const known = { assets: resolveParams(current.params).assets, chains: CHAIN_NAMES };
  const balances = dedupeVaultBalances(inputs.balances).map((b) => ({ ...b }));
  for (const [i, c] of changes.collateral.entries()) {
    checkWhatIfCollateral(c, known, `$.collateral[${i}]`);
    const existing = balances.find((b) => b.chain === c.chain && b.asset === c.asset && b.source !== 'query');
    const decimals = existing?.decimals ?? 18;
    const delta = parseAmount(c.delta, decimals, 'floor').raw;
    if (existing) {
      existing.amount += delta;
      if (existing.amount < 0n)
        invalidThrow(`$.collateral[${i}].delta`, `withdraws more ${c.asset} than the balance on ${c.chain}`);
    } else {
      if (delta < 0n)
        invalidThrow(`$.collateral[${i}].delta`, `no ${c.asset} balance on ${c.chain} to withdraw from`);
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
  const sized = sizedKey === undefined ? undefined : positions.get(sizedKey);
  // The proposed document with the last upserted position's quantity scaled (maxPassingSize's search).
  const at = (multiple: number): MarginDocument => {
    const scaled = [...positions.entries()].map(([key, p]) =>
      key === sizedKey && multiple !== 1
        ? { ...p, position: { ...p.position, quantity: p.position.quantity * multiple } }
        : p,
    );
    return buildMarginDocument({ ...inputs, balances, market, positions: scaled, asOf }).document;
  };
  const result = evaluateWhatIf(current, {
    at,
    sized: sized ? { change: changes.positions.upsert.length - 1, quantity: sized.position.quantity } : null,
  });
  return {
    accountId: id,
    asOf,
    current: result.before,
    proposed: result.after,
    change: result.change,
    acceptable: result.passes,
    riskAdding: result.riskAdding,
    passes: result.passes,
    maxPassingSize: result.maxPassingSize,
    warnings: result.warnings,
  };
}

function invalidThrow(path: string, message: string): never {
  throw invalid(path, message);
}
