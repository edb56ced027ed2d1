import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  type SortingState,
  useReactTable,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import { pageCount } from '../lib/accounts-query.js';

export interface ServerPaging {
  readonly total: number;
  readonly pageIndex: number;
  readonly pageSize: number;
  readonly sorting: SortingState;
  readonly onSortingChange: (s: SortingState) => void;
  readonly onPageChange: (pageIndex: number) => void;
  readonly onPageSizeChange?: (size: number) => void;
}

const ROW_HEIGHT = 30;

/**
 * A table whose rows are virtualised (only the visible ones are in the DOM). With `server`, sorting
 * and paging are the engine's (the table only shows one page); without it, the rows given are sorted
 * here (short lists the engine already bounds).
 */
export function DataTable<T>(props: {
  columns: ColumnDef<T, unknown>[];
  data: readonly T[];
  server?: ServerPaging;
  onRowClick?: (row: T) => void;
  maxHeight?: number;
  testId?: string;
  empty?: string;
}) {
  const [localSorting, setLocalSorting] = useState<SortingState>([]);
  const server = props.server;
  const table = useReactTable<T>({
    data: props.data as T[],
    columns: props.columns,
    getCoreRowModel: getCoreRowModel(),
    ...(server
      ? {
          manualSorting: true,
          manualPagination: true,
          state: { sorting: server.sorting },
          onSortingChange: (u) => server.onSortingChange(typeof u === 'function' ? u(server.sorting) : u),
        }
      : {
          getSortedRowModel: getSortedRowModel(),
          state: { sorting: localSorting },
          onSortingChange: setLocalSorting,
        }),
  });
  const rows = table.getRowModel().rows;
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = items.length > 0 ? virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0) : 0;
  const colSpan = props.columns.length;

  return (
    <div className="table-wrap" data-testid={props.testId}>
      <div className="table-scroll" ref={scroller} style={{ maxHeight: props.maxHeight ?? 520 }}>
        <table>
          <thead>
            {table.getHeaderGroups().map((hg) => (
              <tr key={hg.id}>
                {hg.headers.map((h) => {
                  const sorted = h.column.getIsSorted();
                  return (
                    <th
                      key={h.id}
                      onClick={h.column.getCanSort() ? h.column.getToggleSortingHandler() : undefined}
                      className={h.column.getCanSort() ? 'sortable' : ''}
                      data-testid={`th-${h.column.id}`}
                      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
                    >
                      {flexRender(h.column.columnDef.header, h.getContext())}
                      {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
                    </th>
                  );
                })}
              </tr>
            ))}
          </thead>
          <tbody>
            {padTop > 0 ? (
              <tr style={{ height: padTop }}>
                <td colSpan={colSpan} />
              </tr>
            ) : null}
            {items.map((vi) => {
              const row = rows[vi.index];
              if (!row) return null;
              return (
                <tr
                  key={row.id}
                  style={{ height: ROW_HEIGHT }}
                  className={props.onRowClick ? 'clickable' : ''}
                  onClick={props.onRowClick ? () => props.onRowClick?.(row.original) : undefined}
                  data-testid="row"
                >
                  {row.getVisibleCells().map((cell) => (
                    <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                  ))}
                </tr>
              );
            })}
            {padBottom > 0 ? (
              <tr style={{ height: padBottom }}>
                <td colSpan={colSpan} />
              </tr>
            ) : null}
            {rows.length === 0 ? (
              <tr>
                <td colSpan={colSpan} className="muted">
                  {props.empty ?? 'nothing to show'}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {server ? (
        <div className="pager">
          <button
            type="button"
            disabled={server.pageIndex === 0}
            onClick={() => server.onPageChange(server.pageIndex - 1)}
            data-testid="page-prev"
          >
            ‹ prev
          </button>
          <span data-testid="page-info">
            page {server.pageIndex + 1} / {pageCount(server.total, server.pageSize)} · {server.total} rows
          </span>
          <button
            type="button"
            disabled={server.pageIndex + 1 >= pageCount(server.total, server.pageSize)}
            onClick={() => server.onPageChange(server.pageIndex + 1)}
            data-testid="page-next"
          >
            next ›
          </button>
          {server.onPageSizeChange ? (
            <select
              value={server.pageSize}
              onChange={(e) => server.onPageSizeChange?.(Number(e.target.value))}
              data-testid="page-size"
            >
              {[10, 25, 50, 100, 250].map((n) => (
                <option key={n} value={n}>
                  {n} / page
                </option>
              ))}
            </select>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
