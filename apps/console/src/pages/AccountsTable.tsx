import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ColumnDef, SortingState } from '@tanstack/react-table';
import type { BookAccountRow, BookAccountsDto } from '@xmargin/schemas/http';
import { useMemo, useState } from 'react';
import { DataTable } from '../components/DataTable.js';
import { ErrorNote } from '../components/ui.js';
import { accountsQuery } from '../lib/accounts-query.js';
import { age, money, ratio } from '../lib/format.js';
import { hrefOf } from '../lib/route.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';

const columns: ColumnDef<BookAccountRow, unknown>[] = [
  { header: 'account', accessorKey: 'accountId' },
  { header: 'equity', accessorKey: 'equity', cell: (c) => money(c.getValue() as number) },
  { header: 'IM', accessorKey: 'initialRequirement', cell: (c) => money(c.getValue() as number) },
  { header: 'MM', accessorKey: 'maintenanceRequirement', cell: (c) => money(c.getValue() as number) },
  { header: 'IM excess', accessorKey: 'initialExcess', cell: (c) => money(c.getValue() as number) },
  {
    header: 'MM excess',
    accessorKey: 'maintenanceExcess',
    cell: (c) => {
      const v = c.getValue() as number;
      return <span className={v < 0 ? 'bad' : ''}>{money(v)}</span>;
    },
  },
  { header: 'margin ratio', accessorKey: 'marginRatio', cell: (c) => ratio(c.getValue() as number | null) },
  {
    header: 'cap. eff.',
    accessorKey: 'capitalEfficiency',
    cell: (c) => ratio(c.getValue() as number | null),
  },
  { header: 'positions', accessorKey: 'positions' },
  {
    header: 'chains',
    accessorKey: 'chains',
    enableSorting: false,
    cell: (c) => (c.getValue() as string[]).join(', '),
  },
  {
    header: 'computed',
    accessorKey: 'computedAt',
    cell: (c) => {
      const v = c.getValue() as number | null;
      return v === null ? 'never' : `${age((Date.now() - v) / 1000)} ago`;
    },
  },
];

/** The book's accounts, sorted and paged by the engine; a row opens the account. */
export function AccountsTable(props: {
  search?: string;
  bin?: { metric: string; mode: string; bins: number; bin: number };
}) {
  const { api } = useSession();
  const [sorting, setSorting] = useState<SortingState>([{ id: 'maintenanceExcess', desc: false }]);
  const [pageIndex, setPageIndex] = useState(0);
  const [pageSize, setPageSize] = useState(25);
  // A new search or bin starts again from the first page (state adjusted while rendering, per React).
  const filter = `${props.search ?? ''}\u0000${JSON.stringify(props.bin ?? null)}`;
  const [lastFilter, setLastFilter] = useState(filter);
  if (filter !== lastFilter) {
    setLastFilter(filter);
    setPageIndex(0);
  }
  const params = useMemo(
    () => accountsQuery({ sorting, pageIndex, pageSize, search: props.search ?? '', bin: props.bin }),
    [sorting, pageIndex, pageSize, props.search, props.bin],
  );
  const q = useQuery({
    queryKey: ['book', 'accounts', params],
    queryFn: () => api.get<BookAccountsDto>('/admin/book/accounts', params),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <ErrorNote error={q.error} />
      <DataTable
        columns={columns}
        data={q.data?.accounts ?? []}
        testId="table-accounts"
        onRowClick={(r) => navigate(hrefOf({ page: 'account', id: r.accountId }))}
        server={{
          total: q.data?.total ?? 0,
          pageIndex,
          pageSize,
          sorting,
          onSortingChange: (s) => {
            setSorting(s);
            setPageIndex(0);
          },
          onPageChange: setPageIndex,
          onPageSizeChange: (n) => {
            setPageSize(n);
            setPageIndex(0);
          },
        }}
      />
    </>
  );
}
