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
  const now = createRiskBook(market(shared.params), accounts).compute();
  const next = createRiskBook(market(draft), accounts).compute();
  const computeMs = performance.now() - started;
  const total = (a: Float64Array) => a.reduce((s, x) => s + x, 0);
  const below = (a: Float64Array) => a.reduce((n, x) => n + (x < 0 ? 1 : 0), 0);
  const newlyLiquidatable: ParamsImpact['newlyLiquidatable'] = [];
  for (const [i, id] of ids.entries()) {
    const cur = now.maintenanceExcess[i] ?? 0;
    const dr = next.maintenanceExcess[i] ?? 0;
    if (cur >= 0 && dr < 0) newlyLiquidatable.push({ accountId: id, currentExcess: cur, draftExcess: dr });
  }
  newlyLiquidatable.sort((a, b) => a.draftExcess - b.draftExcess);
  return {
    accounts: ids.length,
    computeMs,
    current: {
      initialRequirement: total(now.initialRequirement),
      maintenanceRequirement: total(now.maintenanceRequirement),
      liquidatable: below(now.maintenanceExcess),
    },
    draft: {
      initialRequirement: total(next.initialRequirement),
      maintenanceRequirement: total(next.maintenanceRequirement),
      liquidatable: below(next.maintenanceExcess),
    },
    newlyLiquidatable,
  };
}
