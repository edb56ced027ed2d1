import type { QueryParams } from './api.js';

export interface SortState {
  readonly id: string;
  readonly desc: boolean;
}

export interface AccountsTableState {
  readonly sorting: readonly SortState[];
  readonly pageIndex: number;
  readonly pageSize: number;
  readonly search: string;
  readonly bin?: { metric: string; mode: string; bins: number; bin: number } | undefined;
}

/** TanStack Table state to the server's paging and sorting query (sorting and paging are server-side). */
export function accountsQuery(s: AccountsTableState): QueryParams {
  const first = s.sorting[0];
  return {
    q: s.search.trim() || undefined,
    sort: first?.id ?? 'maintenanceExcess',
    dir: first ? (first.desc ? 'desc' : 'asc') : 'asc',
    offset: s.pageIndex * s.pageSize,
    limit: s.pageSize,
    ...(s.bin ? { metric: s.bin.metric, mode: s.bin.mode, bins: s.bin.bins, bin: s.bin.bin } : {}),
  };
}

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
