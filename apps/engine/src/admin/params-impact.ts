import type { AccountId } from '@xmargin/core';
import { type Account, type BookMarket, createRiskBook, type ParamsSpec, type Position } from '@xmargin/risk';
import type { StoreRepositories } from '@xmargin/store';
import { buildMarginDocument } from '../margin/build-document.js';
import type { GlobalInputs } from '../margin/global-inputs.js';
import { toMarginInputs } from '../margin/load-margin-inputs.js';

export interface ParamsImpact {
  readonly accounts: number;
  readonly computeMs: number;
  readonly current: { initialRequirement: number; maintenanceRequirement: number; liquidatable: number };
  readonly draft: { initialRequirement: number; maintenanceRequirement: number; liquidatable: number };
  readonly newlyLiquidatable: { accountId: string; currentExcess: number; draftExcess: number }[];
}

const CHUNK = 500;

/**
 * What activating `draft` would do to the book: every account's ledger state margined at `asOf` with
 * the current and the draft parameters, each over one risk book (shared instrument risk arrays), so
 * both sides see the same balances, positions and prices and differ only by the parameters.
 */
export async function paramsImpact(
  store: Pick<StoreRepositories, 'accounts' | 'balances' | 'positions'>,
  shared: GlobalInputs,
  draft: ParamsSpec,
  asOf: number,
): Promise<ParamsImpact> {
  const ids: AccountId[] = [];
  const accounts: Account[] = [];
  let after: AccountId | undefined;
  for (;;) {
    const page = await store.accounts.list({ limit: CHUNK, ...(after === undefined ? {} : { after }) });
    if (page.length === 0) break;
    const pageIds = page.map((a) => a.id);
    const [balances, positions] = await Promise.all([
      store.balances.listByAccounts(pageIds),
      store.positions.listByAccounts<Position>(pageIds),
    ]);
    for (const id of pageIds) {
      const inputs = toMarginInputs(balances.get(id) ?? [], positions.get(id) ?? [], shared);
      ids.push(id);
      accounts.push(buildMarginDocument({ ...inputs, asOf }).document.account);
    }
    if (page.length < CHUNK) break;
    after = pageIds[pageIds.length - 1];
  }
  const started = performance.now();
  const market = (params: ParamsSpec): BookMarket => ({
    asOf,
    params,
    ...(shared.market.stable === undefined ? {} : { stable: shared.market.stable }),
    prices: shared.market.prices,
    markets: shared.market.markets,
  });
  // One book: margined under the active parameters, read, then re-margined under the draft (the
  // instruments and account runs are built once; only the parameters change).
  const book = createRiskBook(
    market(shared.params),
    ids.map((id, i) => [id, accounts[i]!] as const),
  );
  const figures = () => {
    const out = { initialRequirement: 0, maintenanceRequirement: 0, liquidatable: 0 };
    const excess = new Map<string, number>();
    for (const id of ids) {
      const e = book.get(id);
      if (!e?.ok) continue;
      out.initialRequirement += e.summary.initialRequirement;
      out.maintenanceRequirement += e.summary.maintenanceRequirement;
      if (e.summary.maintenanceExcess < 0) out.liquidatable += 1;
      excess.set(id, e.summary.maintenanceExcess);
    }
    return { totals: out, excess };
  };
  const now = figures();
  book.updateParams(draft);
  const next = figures();
  const computeMs = performance.now() - started;
  const newlyLiquidatable: ParamsImpact['newlyLiquidatable'] = [];
  for (const id of ids) {
    const cur = now.excess.get(id) ?? 0;
    const dr = next.excess.get(id) ?? 0;
    if (cur >= 0 && dr < 0) newlyLiquidatable.push({ accountId: id, currentExcess: cur, draftExcess: dr });
  }
  newlyLiquidatable.sort((a, b) => a.draftExcess - b.draftExcess);
  return {
    accounts: ids.length,
    computeMs,
    current: now.totals,
    draft: next.totals,
    newlyLiquidatable,
  };
}
