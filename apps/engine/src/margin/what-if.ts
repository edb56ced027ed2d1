import { type AccountId, chains, parseAmount } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import {
  checkWhatIfCollateral,
  evaluateWhatIf,
  type MarginDocument,
  type MarginWarning,
  type MaxPassingSize,
  resolveParams,
  type WhatIfChange,
} from '@xmargin/risk';
import type { PositionBody } from '@xmargin/schemas/http';
import { trustOf } from '@xmargin/store';
import type { EngineContext } from '../context.js';
import { toRiskPosition } from '../positions/to-risk-position.js';
import { buildMarginDocument, dedupeVaultBalances } from './build-document.js';
import { loadMarginInputs } from './load-margin-inputs.js';
import type { MarginSummary } from './snapshot.js';

export interface WhatIfChanges {
  readonly positions: { readonly upsert: readonly PositionBody[]; readonly remove: readonly string[] };
  readonly collateral: readonly { readonly asset: string; readonly chain: string; readonly delta: string }[];
  /** The CLI document form (`changes[]`), normalised by {@link normaliseWhatIf}. */
  readonly changes?: readonly WhatIfChange[] | undefined;
  readonly sizeChange?: number | undefined;
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

// A float amount as an exact decimal string (no exponent); parseAmount floors it to the asset's decimals.
const decimalOf = (n: number): string =>
  /e/i.test(String(n)) ? n.toFixed(20).replace(/\.?0+$/, '') : String(n);

/** The internal what-if document: the HTTP fields with the CLI form's `changes[]` folded in. */
interface NormalisedWhatIf {
  readonly upsert: readonly PositionBody[];
  readonly remove: readonly string[];
  readonly collateral: readonly { asset: string; chain: string; delta: string; path: string }[];
  readonly cash: number;
  /** Index in `upsert` of the position to size (default: the last). */
  readonly sized: number | undefined;
  /** Per upsert, the index reported as `maxPassingSize.change`: in `positions.upsert`, or in `changes`. */
  readonly reportedIndex: readonly number[];
}

/** Folds both document forms (HTTP `positions`/`collateral`, CLI `changes[]`) into one document. */
export function normaliseWhatIf(body: WhatIfChanges): NormalisedWhatIf {
  const upsert = [...body.positions.upsert];
  const reportedIndex = upsert.map((_, i) => i);
  const collateral = body.collateral.map((c, i) => ({ ...c, path: `$.collateral[${i}]` }));
  let cash = 0;
  let sized: number | undefined;
  for (const [i, c] of (body.changes ?? []).entries()) {
    if (c.type === 'position') {
      if (body.sizeChange === i) sized = upsert.length;
      upsert.push({ id: `change-${i}`, ...c.position } as PositionBody);
      reportedIndex.push(i);
    } else if (c.type === 'cash') cash += c.amount;
    else {
      if (c.chain === undefined)
        invalidThrow(`$.changes[${i}].chain`, 'a chain is required against a stored account');
      collateral.push({
        asset: c.asset,
        chain: c.chain,
        delta: decimalOf(c.amount),
        path: `$.changes[${i}]`,
      });
    }
  }
  if (body.sizeChange !== undefined && sized === undefined)
    invalidThrow('$.sizeChange', 'must be the index of a position change');
  return { upsert, remove: body.positions.remove, collateral, cash, sized, reportedIndex };
}

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
  /** Settlement evaluates withdrawals of balances the ledger holds: no client-named collateral to check. */
  opts: { readonly checkCollateral?: boolean } = {},
): Promise<WhatIfOutcome> {
  await ctx.store.accounts.require(id);
  const inputs = await loadMarginInputs(ctx.store, id, ctx.globalInputs.get);
  const asOf = Math.floor(ctx.now() / 1000);
  const current = buildMarginDocument({ ...inputs, asOf }).document;

  const doc = normaliseWhatIf(changes);
  const positions = new Map(inputs.positions.map((p) => [`${p.protocol}\u0000${p.positionId}`, p]));
  for (const [i, removeId] of doc.remove.entries()) {
    if (!positions.delete(`${protocol}\u0000${removeId}`))
      invalidThrow(`$.positions.remove[${i}]`, `no position ${removeId}`);
  }
  let sizedKey: string | undefined;
  const sizedIndex = doc.sized ?? doc.upsert.length - 1;
  for (const [i, body] of doc.upsert.entries()) {
    const { id: positionId, position } = toRiskPosition(body);
    const key = `${protocol}\u0000${positionId}`;
    if (i === sizedIndex) sizedKey = key;
    positions.set(key, { protocol, positionId, position });
  }
  // Changes apply to the balances that count (one per vault holder), then the document is rebuilt.
  const known = { assets: resolveParams(current.params).assets, chains: CHAIN_NAMES };
  const balances = dedupeVaultBalances(inputs.balances).map((b) => ({ ...b }));
  for (const c of doc.collateral) {
    if (opts.checkCollateral !== false) checkWhatIfCollateral(c, known, c.path);
    // The escrowed balance (vault, Solana escrow): what a deposit or an authorised withdrawal moves.
    const existing = balances.find(
      (b) => b.chain === c.chain && b.asset === c.asset && trustOf(b) === 'escrowed',
    );
    const decimals = existing?.decimals ?? 18;
    const delta = parseAmount(c.delta, decimals, 'floor').raw;
    if (existing) {
      existing.amount += delta;
      if (existing.amount < 0n)
        invalidThrow(`${c.path}.delta`, `withdraws more ${c.asset} than the balance on ${c.chain}`);
    } else {
      if (delta < 0n) invalidThrow(`${c.path}.delta`, `no ${c.asset} balance on ${c.chain} to withdraw from`);
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
  // Built once; the size search scales the sized position's quantity in the built document.
  const built = buildMarginDocument({
    ...inputs,
    cash: (inputs.cash ?? 0) + doc.cash,
    balances,
    market,
    positions: [...positions.values()],
    asOf,
  });
  const sizedAt = sized ? built.positionKeys.indexOf(`${sized.protocol}/${sized.positionId}`) : -1;
  const at = (multiple: number): MarginDocument => {
    if (multiple === 1 || sizedAt < 0) return built.document;
    const { account } = built.document;
    const scaled = (account.positions ?? []).map((p, k) =>
      k === sizedAt ? { ...p, quantity: p.quantity * multiple } : p,
    );
    return { ...built.document, account: { ...account, positions: scaled } };
  };
  const result = evaluateWhatIf(current, {
    at,
    sized: sized
      ? { change: doc.reportedIndex[sizedIndex] ?? sizedIndex, quantity: sized.position.quantity }
      : null,
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
