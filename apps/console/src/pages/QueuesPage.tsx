import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import type {
  AdminAuditDto,
  FailedJobsPageDto,
  QueueOverviewDto,
  ShardOwnershipDto,
} from '@xmargin/schemas/http';
import { useCallback, useMemo, useState } from 'react';
import { DataTable } from '../components/DataTable.js';
import { ConfirmButton, ErrorNote, Loading, Section } from '../components/ui.js';
import { age, time } from '../lib/format.js';
import { type CursorPages, cursorOf, firstPage, nextPage, previousPage } from '../lib/liquidations.js';
import { shardRows } from '../lib/shards.js';
import { useSession } from '../session.js';

type QueueRow = QueueOverviewDto['queues'][number];
type Job = FailedJobsPageDto['jobs'][number];
const rate = (x: number) => `${x.toFixed(1)}/s`;

const queueColumns: ColumnDef<QueueRow, unknown>[] = [
  { header: 'queue', accessorKey: 'queue' },
  { header: 'waiting', accessorKey: 'waiting' },
  { header: 'prioritized', accessorKey: 'prioritized' },
  { header: 'active', accessorKey: 'active' },
  { header: 'delayed', accessorKey: 'delayed' },
  {
    header: 'failed',
    accessorKey: 'failed',
    cell: (c) => <span className={(c.getValue() as number) > 0 ? 'bad' : ''}>{String(c.getValue())}</span>,
  },
  { header: 'completed', accessorKey: 'completed' },
  { header: 'done/s (10 s)', accessorKey: 'completedPerSecond', cell: (c) => rate(c.getValue() as number) },
  { header: 'failed/s (10 s)', accessorKey: 'failedPerSecond', cell: (c) => rate(c.getValue() as number) },
  { header: 'workers', accessorKey: 'workers' },
  { header: 'paused', accessorKey: 'paused', cell: (c) => ((c.getValue() as boolean) ? 'yes' : 'no') },
];

type WorkerRow = QueueOverviewDto['workers'][number];
const workerColumns: ColumnDef<WorkerRow, unknown>[] = [
  { header: 'queue', accessorKey: 'queue' },
  { header: 'connection', accessorKey: 'name' },
  { header: 'address', accessorKey: 'addr' },
  { header: 'connected for', accessorKey: 'ageSeconds', cell: (c) => age(c.getValue() as number) },
  { header: 'idle', accessorKey: 'idleSeconds', cell: (c) => age(c.getValue() as number) },
];

function FailedJobs({ queue }: { queue: string }) {
  const { api, canWrite } = useSession();
  const client = useQueryClient();
  const [accountId, setAccountId] = useState('');
  const [pageIndex, setPageIndex] = useState(0);
  const pageSize = 25;
  const q = useQuery({
    queryKey: ['queues', 'failed', queue, accountId, pageIndex],
    queryFn: () =>
      api.get<FailedJobsPageDto>(`/admin/jobs/${encodeURIComponent(queue)}/failed`, {
        offset: pageIndex * pageSize,
        limit: pageSize,
        accountId: accountId.trim() || undefined,
      }),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  });
  const refresh = useCallback(() => client.invalidateQueries({ queryKey: ['queues'] }), [client]);
  // Memoised: a new cell function on every refetch would remount the cells and close an open dialog.
  const columns = useMemo<ColumnDef<Job, unknown>[]>(
    () => [
      { header: 'job', accessorKey: 'id' },
      { header: 'name', accessorKey: 'name' },
      {
        header: 'payload',
        accessorKey: 'data',
        enableSorting: false,
        cell: (c) => <code>{JSON.stringify(c.getValue()).slice(0, 80)}</code>,
      },
      {
        header: 'latest error',
        accessorKey: 'failedReason',
        cell: (c) => <span className="bad">{String(c.getValue())}</span>,
      },
      { header: 'attempts', accessorKey: 'attemptsMade' },
      { header: 'failed at', accessorKey: 'finishedOn', cell: (c) => time(c.getValue() as number | null) },
      {
        header: '',
        id: 'actions',
        enableSorting: false,
        cell: (c) => (
          <span className="actions">
            <ConfirmButton
              label="retry"
              confirm={`Retry job ${c.row.original.id} of ${queue}? (audited)`}
              disabled={!canWrite}
              testId={`retry-${c.row.original.id}`}
              onConfirm={async () => {
                await api.send(
                  'POST',
                  `/admin/jobs/${encodeURIComponent(queue)}/failed/${encodeURIComponent(c.row.original.id)}/retry`,
                );
                await refresh();
              }}
            />
            <ConfirmButton
              label="discard"
              danger
              confirm={`Discard job ${c.row.original.id} of ${queue}? It is deleted for good. (audited)`}
              disabled={!canWrite}
              testId={`discard-${c.row.original.id}`}
              onConfirm={async () => {
                await api.send(
                  'DELETE',
                  `/admin/jobs/${encodeURIComponent(queue)}/failed/${encodeURIComponent(c.row.original.id)}`,
                );
                await refresh();
              }}
            />
          </span>
        ),
      },
    ],
    [api, canWrite, queue, refresh],
  );
  return (
    <Section
      title={`Failed jobs: ${queue}`}
      testId="failed-jobs"
      actions={
        <ConfirmButton
          label="retry all"
          confirm={`Retry every failed job of ${queue}? (audited)`}
          disabled={!canWrite || (q.data?.total ?? 0) === 0}
          testId="retry-all"
          onConfirm={async () => {
            await api.send('POST', `/admin/jobs/${encodeURIComponent(queue)}/failed/retry-all`);
            await refresh();
          }}
        />
      }
    >
      <div className="toolbar">
        <input
          placeholder="search by account id"
          value={accountId}
          onChange={(e) => {
            setAccountId(e.target.value);
            setPageIndex(0);
          }}
          data-testid="failed-search"
        />
      </div>
      <ErrorNote error={q.error} />
      <DataTable
        columns={columns}
        data={q.data?.jobs ?? []}
        testId="table-failed"
        empty="no failed jobs"
        server={{
          total: q.data?.total ?? 0,
          pageIndex,
          pageSize,
          sorting: [],
          onSortingChange: () => undefined,
          onPageChange: setPageIndex,
        }}
      />
    </Section>
  );
}

type ShardRow = ReturnType<typeof shardRows>[number];
const shardColumns: ColumnDef<ShardRow, unknown>[] = [
  { header: 'shard', accessorKey: 'shard' },
  {
    header: 'owner',
    accessorKey: 'owner',
    cell: (c) => (
      <span className={c.getValue() === null ? 'bad' : ''}>{String(c.getValue() ?? 'unowned')}</span>
    ),
  },
  { header: 'lease left', accessorKey: 'leaseLeftSeconds', cell: (c) => age(c.getValue() as number | null) },
  { header: 'events in stream', accessorKey: 'events' },
  {
    header: 'newest event',
    accessorKey: 'lastEventAgeSeconds',
    cell: (c) => age(c.getValue() as number | null),
  },
];

function Shards() {
  const { api } = useSession();
  const q = useQuery({
    queryKey: ['queues', 'shards'],
    queryFn: () => api.get<ShardOwnershipDto>('/admin/shards'),
    refetchInterval: 2_000,
  });
  const rows = useMemo(() => (q.data ? shardRows(q.data) : []), [q.data]);
  const unowned = rows.filter((r) => r.owner === null).length;
  return (
    <Section title="Shard ownership (resident books; leases in Redis)" testId="shards">
      <ErrorNote error={q.error} />
      {q.data ? (
        <p className="muted" data-testid="shard-summary">
          {q.data.shardCount} shards · {q.data.workers.length} live workers
          {q.data.workers.map((w) => ` · ${w.id}: ${w.shards.length}`).join('')}
          {unowned > 0 ? <span className="bad"> · {unowned} unowned</span> : null}
        </p>
      ) : null}
      <DataTable columns={shardColumns} data={rows} testId="table-shards" empty="no shards" maxHeight={300} />
    </Section>
  );
}

function AuditLog() {
  const { api } = useSession();
  const [pages, setPages] = useState<CursorPages>(firstPage);
  const before = cursorOf(pages);
  const audit = useQuery({
    queryKey: ['queues', 'audit', before],
    queryFn: () => api.get<AdminAuditDto>('/admin/audit', { limit: 25, before }),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  });
  return (
    <Section title="Audit log (job actions, stress runs; Postgres)" testId="job-audit">
      <ErrorNote error={audit.error} />
      <table className="compact" data-testid="table-job-audit">
        <tbody>
          {(audit.data?.entries ?? []).map((e) => (
            <tr key={e.id}>
              <td>{time(e.at)}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>{e.target}</td>
              <td>{e.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager">
        <button type="button" disabled={pages.index === 0} onClick={() => setPages(previousPage)}>
          ‹ newer
        </button>
        <button
          type="button"
          disabled={!audit.data?.next}
          onClick={() => setPages((p) => nextPage(p, audit.data?.next ?? null))}
        >
          older ›
        </button>
      </div>
    </Section>
  );
}

export function QueuesPage() {
  const { api } = useSession();
  const overview = useQuery({
    queryKey: ['queues', 'overview'],
    queryFn: () => api.get<QueueOverviewDto>('/admin/jobs/queues'),
    refetchInterval: 2_000,
  });
  const rows: QueueRow[] = overview.data?.queues ?? [];
  const [selected, setSelected] = useState<string | null>(null);
  const withFailures = rows.find((r) => r.failed > 0)?.queue ?? rows[0]?.queue ?? null;
  const queue = selected ?? withFailures;
  if (overview.isPending) return <Loading />;
  return (
    <div data-testid="page-queues">
      <h1>Queues and workers</h1>
      <ErrorNote error={overview.error} />
      <Section title="Queues (every BullMQ queue under the engine's prefix; click one for its failed jobs)">
        <DataTable
          columns={queueColumns}
          data={rows}
          testId="table-queues"
          onRowClick={(r) => setSelected(r.queue)}
        />
      </Section>
      {queue ? <FailedJobs key={queue} queue={queue} /> : null}
      <div className="grid2">
        <Section title="Workers (live Redis connections)">
          <DataTable
            columns={workerColumns}
            data={overview.data?.workers ?? []}
            testId="table-workers"
            empty="no worker connected"
          />
        </Section>
        <AuditLog />
      </div>
      <Shards />
    </div>
  );
}
