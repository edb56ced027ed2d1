// Test-only helpers for the liquidation suites: a ledger on real Postgres (own schema) with the fixture
// market, accounts set to a chosen distress, and a movable clock.
import { type AccountId, accountId } from '@xmargin/core';
import { computeMargin, type Position } from '@xmargin/risk';
import { dropSchema, openStore, type Store } from '@xmargin/store';
import { buildMarginDocument } from '../margin/build-document.js';
import { loadMarginInputs } from '../margin/load-margin-inputs.js';
import { marketData, seedBalance } from '../test-support/fixtures.js';
import { DATABASE_URL_TEST, testIds } from '../test-support/harness.js';
import { CASH_DECIMALS } from './cash-units.js';
import type { LiquidationDeps } from './liquidation-deps.js';
import { loadLiquidationBook } from './load-liquidation-book.js';

export interface LiquidationLedger {
  readonly schema: string;
  store: Store;
  clock: { ms: number };
  deps(extra?: Partial<LiquidationDeps>): LiquidationDeps;
  /** Closes the store and opens a new one on the same schema (a process restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function openLiquidationLedger(label: string, nowSeconds: number): Promise<LiquidationLedger> {
  const { schema } = testIds(label);
  const store = await openStore({ url: DATABASE_URL_TEST, schema });
  const md = marketData(nowSeconds);
  await store.marketData.put({ kind: 'stable', key: 'stable', doc: md.stable });
  for (const [k, doc] of Object.entries(md.prices))
    await store.marketData.put({ kind: 'price', key: k, doc });
  for (const [k, doc] of Object.entries(md.markets))
    await store.marketData.put({ kind: 'market', key: k, doc });
  const ledger: LiquidationLedger = {
    schema,
    store,
    clock: { ms: nowSeconds * 1000 },
    deps: (extra = {}) => ({ store: ledger.store, now: () => ledger.clock.ms, ...extra }),
    async restart() {
      await ledger.store.close();
      ledger.store = await openStore({ url: DATABASE_URL_TEST, schema });
    },
    async close() {
      await ledger.store.close();
      await dropSchema(DATABASE_URL_TEST, schema);
    },
  };
  return ledger;
}

const SHORT_CALLS: Position = {
  type: 'option',
  underlying: 'ETH',
  expiry: 0,
  strike: 2000,
  right: 'call',
  quantity: -10,
};

/**
 * An account holding 10 short ETH calls, a short perp and 1 ETH in a vault, with cash set so that
 * MM = −u·(maintenance requirement): u < 1 leaves MtM > 0 (solvent auction), u > 1 MtM < 0 (insolvent).
 * Also writes the snapshot the recompute would have written (what the sweep reads).
 */
export async function seedDistressedAccount(
  ledger: LiquidationLedger,
  id: string,
  u: number,
  expiry: number,
): Promise<AccountId> {
  const { store } = ledger;
  const account = accountId(id);
  await store.accounts.create({ id: account });
  await store.positions.upsert({
    protocol: 'proto_a',
    account,
    position: { positionId: 'calls', underlying: 'ETH', doc: { ...SHORT_CALLS, expiry } },
  });
  await store.positions.upsert({
    protocol: 'proto_b',
    account,
    position: {
      positionId: 'perp',
      underlying: 'ETH',
      doc: { type: 'perp', underlying: 'ETH', quantity: -2, entryPrice: 1990, funding: 4 },
    },
  });
  await seedBalance(store, id, {
    chain: 'ethereum',
    asset: 'ETH',
    amount: 10n ** 18n,
    decimals: 18,
    observedAt: Math.floor(ledger.clock.ms / 1000),
  });
  const time = Math.floor(ledger.clock.ms / 1000);
  const book = await loadLiquidationBook(store, account);
  const r = computeMargin({ ...book.document, asOf: time });
  const requirement = r.equity - r.maintenanceExcess;
  const cash = -u * requirement - r.maintenanceExcess;
  await depositCash(store, account, cash);
  await writeSnapshot(ledger, account);
  return account;
}

export async function depositCash(store: Store, account: AccountId, amount: number): Promise<void> {
  await store.liquidations.addCash({
    account,
    amount: BigInt(Math.round(amount * 10 ** CASH_DECIMALS)),
    reason: 'deposit',
  });
}

/** A margin snapshot of the account as it stands (cash ledger included), as the sweep reads candidates. */
export async function writeSnapshot(ledger: LiquidationLedger, account: AccountId): Promise<void> {
  const time = Math.floor(ledger.clock.ms / 1000);
  const book = await loadLiquidationBook(ledger.store, account);
  const inputs = await loadMarginInputs(ledger.store, account);
  const { document } = buildMarginDocument({ ...inputs, asOf: time });
  const r = computeMargin({ ...book.document, asOf: time });
  await ledger.store.snapshots.insert({
    account,
    computedAt: new Date(ledger.clock.ms),
    inputHash: `test-${time}`,
    paramsVersion: null,
    equity: r.equity,
    initialRequirement: r.initialRequirement,
    maintenanceRequirement: r.maintenanceRequirement,
    result: { equity: r.equity, positions: document.account.positions?.length ?? 0 },
  });
}

/** Exact figures of an account now, from the ledger (cash and pending instructions included). */
export async function figuresNow(ledger: LiquidationLedger, account: AccountId) {
  const book = await loadLiquidationBook(ledger.store, account);
  const r = computeMargin({ ...book.document, asOf: Math.floor(ledger.clock.ms / 1000) });
  return { mtm: r.equity, mm: r.maintenanceExcess, book };
}
