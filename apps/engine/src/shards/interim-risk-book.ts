import { type AppError, isAppError } from '@xmargin/errors';
import { type Account, type BookMarket, computeMarginSummary, type MarginSummary } from '@xmargin/risk';

export type BookEntry =
  | { readonly ok: true; readonly summary: MarginSummary }
  | { readonly ok: false; readonly error: AppError };

/** The resident book's interface (the mutable `packages/risk` book). */
export interface ResidentRiskBook {
  readonly accountCount: number;
  upsertAccount(id: string, account: Account): BookEntry;
  removeAccount(id: string): boolean;
  /** Ids whose entry was recomputed. */
  updateMarket(patch: Partial<BookMarket>): readonly string[];
  updateParams(params: BookMarket['params']): readonly string[];
  get(id: string): BookEntry | undefined;
  ids(): IterableIterator<string>;
}

/** Per-account full revaluation behind the book's interface (until the shared-array book lands). */
export function createInterimRiskBook(market: BookMarket): ResidentRiskBook {
  let m: BookMarket = market;
  const accounts = new Map<string, { account: Account; entry: BookEntry }>();
  const evaluate = (account: Account): BookEntry => {
    try {
      return { ok: true, summary: computeMarginSummary({ version: 1, ...m, account }) };
    } catch (error) {
      if (isAppError(error)) return { ok: false, error };
      throw error;
    }
  };
  const all = () => {
    for (const a of accounts.values()) a.entry = evaluate(a.account);
    return [...accounts.keys()];
  };
  return {
    get accountCount() {
      return accounts.size;
    },
    upsertAccount(id, account) {
      const entry = evaluate(account);
      accounts.set(id, { account, entry });
      return entry;
    },
    removeAccount: (id) => accounts.delete(id),
    updateMarket(patch) {
      m = { ...m, ...patch };
      return all();
    },
    updateParams(params) {
      m = { ...m, params };
      return all();
    },
    get: (id) => accounts.get(id)?.entry,
    ids: () => accounts.keys(),
  };
}
