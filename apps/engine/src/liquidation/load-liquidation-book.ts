import type { AccountId } from '@xmargin/core';
import { amount, amountToNumber } from '@xmargin/core';
import type { Account, MarginDocument, Position } from '@xmargin/risk';
import type { CollateralAdjustment, PositionRecord, StoreRepositories } from '@xmargin/store';
import { type BalanceInput, buildMarginDocument, dedupeVaultBalances } from '../margin/build-document.js';
import type { GlobalInputs } from '../margin/global-inputs.js';
import { loadMarginInputs } from '../margin/load-margin-inputs.js';
import { cashToNumber } from './cash-units.js';

/** One collateral holding as liquidation moves it: vault-escrowed (seizable) or query-attested. */
export interface LiquidationHolding {
  readonly chain: string;
  readonly asset: string;
  readonly kind: 'seizure' | 'unenforceable';
  readonly source: BalanceInput['source'];
  readonly holder: string;
  readonly decimals: number;
  /** Observed balance plus instructions not yet confirmed on-chain. */
  readonly raw: bigint;
}

/** An account as the liquidation engine prices and moves it. */
export interface LiquidationBook {
  readonly account: AccountId;
  /** The section-6 document (asOf to be set by the caller) with the cash ledger and pending moves. */
  readonly document: MarginDocument;
  readonly cashRaw: bigint;
  readonly positions: readonly PositionRecord<Position>[];
  readonly holdings: readonly LiquidationHolding[];
}

const kindOf = (source: BalanceInput['source']) => (source === 'query' ? 'unenforceable' : 'seizure');

function holdingsOf(balances: readonly BalanceInput[], adjustments: readonly CollateralAdjustment[]) {
  const byKey = new Map<string, LiquidationHolding>();
  for (const b of dedupeVaultBalances(balances)) {
    const kind = kindOf(b.source);
    const key = `${b.chain}\u0000${b.asset}\u0000${kind}`;
    const cur = byKey.get(key);
    byKey.set(key, {
      chain: b.chain,
      asset: b.asset,
      kind,
      source: cur?.source ?? b.source,
      holder: cur?.holder ?? b.holder,
      decimals: b.decimals,
      raw: (cur?.raw ?? 0n) + b.amount,
    });
  }
  for (const a of adjustments) {
    const key = `${a.chain}\u0000${a.asset}\u0000${a.kind}`;
    const cur = byKey.get(key);
    byKey.set(key, {
      chain: a.chain,
      asset: a.asset,
      kind: a.kind,
      source: cur?.source ?? (a.kind === 'seizure' ? 'vaa' : 'query'),
      holder: cur?.holder ?? '',
      decimals: a.decimals,
      raw: (cur?.raw ?? 0n) + a.delta,
    });
  }
  return [...byKey.values()]
    .filter((h) => h.raw > 0n)
    .sort((x, y) => (x.chain + x.asset < y.chain + y.asset ? -1 : 1));
}

/**
 * Reads one account from the ledger for liquidation: the margin inputs the recompute uses, plus its cash
 * ledger and the collateral moved by settlement instructions not yet observed on-chain. Builds its own
 * document (does not depend on the recompute path); run inside the transaction that holds the account lock.
 */
export async function loadLiquidationBook(
  store: StoreRepositories,
  account: AccountId,
  global?: () => Promise<GlobalInputs>,
): Promise<LiquidationBook> {
  const [inputs, positions, cashRaw, adjustments] = await Promise.all([
    loadMarginInputs(store, account, global),
    store.positions.listByAccount<Position>(account),
    store.liquidations.cashBalance(account),
    store.liquidations.collateralAdjustments([account]),
  ]);
  const { document } = buildMarginDocument({ ...inputs, asOf: 0 });
  const holdings = holdingsOf(inputs.balances, adjustments);
  const sorted = [...positions].sort((a, b) =>
    `${a.protocol}\u0000${a.positionId}` < `${b.protocol}\u0000${b.positionId}` ? -1 : 1,
  );
  const observedAt = new Map<string, number>();
  for (const c of document.account.collateral ?? []) {
    observedAt.set(
      `${c.chain}\u0000${c.asset}`,
      Math.max(observedAt.get(`${c.chain}\u0000${c.asset}`) ?? 0, c.observedAt ?? 0),
    );
  }
  const accountDoc: Account = {
    cash: cashToNumber(cashRaw),
    collateral: holdings.map((h) => {
      const seen = observedAt.get(`${h.chain}\u0000${h.asset}`);
      return {
        asset: h.asset,
        chain: h.chain,
        amount: amountToNumber(amount(h.raw, h.decimals)),
        source: h.source,
        ...(seen ? { observedAt: seen } : {}),
      };
    }),
    positions: sorted.map((p) => p.doc),
  };
  return { account, document: { ...document, account: accountDoc }, cashRaw, positions: sorted, holdings };
}
