import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import type {
  AuctionDetailDto,
  AuctionDto,
  AuctionEventsDto,
  AuctionListDto,
  InsuranceFundDto,
} from '@xmargin/schemas/http';
import { useMemo, useState } from 'react';
import { EChart } from '../charts/EChart.js';
import { DataTable } from '../components/DataTable.js';
import { Card, ErrorNote, Loading, Section } from '../components/ui.js';
import type { Api } from '../lib/api.js';
import { money, percent, time } from '../lib/format.js';
import {
  type CursorPages,
  cursorOf,
  eventSummary,
  firstPage,
  fundBalanceSeries,
  fundOption,
  nextPage,
  previousPage,
  refreshOnLiquidationEvent,
} from '../lib/liquidations.js';
import { hrefOf } from '../lib/route.js';
import { Link } from '../router.js';
import { type LiveState, useEventStream, useSession, useThrottled } from '../session.js';

const PAGE_SIZE = 25;
const seconds = (s: number | null) => time(s === null ? null : s * 1000);

/** The liquidation stream: each auction event refreshes the queries it changes (throttled). */
function useLiveLiquidations(api: Api): LiveState {
  const client = useQueryClient();
  const [pending] = useState(() => new Set<string>());
  const flush = useThrottled(() => {
    for (const part of pending) void client.invalidateQueries({ queryKey: ['liquidations', part] });
    pending.clear();
  }, 500);
  return useEventStream(api, '/stream/liquidations', (event) => {
    const parts = refreshOnLiquidationEvent(event);
    if (parts.length === 0) return false;
    for (const p of parts) pending.add(p);
    flush();
    return true;
  });
}

const auctionColumns: ColumnDef<AuctionDto, unknown>[] = [
  {
    header: 'auction',
    accessorKey: 'id',
    cell: (c) => (
      <Link href={hrefOf({ page: 'auction', id: c.row.original.id })} testId="auction-link">
        {c.row.original.id}
      </Link>
    ),
  },
  {
    header: 'account',
    accessorKey: 'accountId',
    cell: (c) => (
      <Link href={hrefOf({ page: 'account', id: c.row.original.accountId })}>{c.row.original.accountId}</Link>
    ),
  },
  {
    header: 'kind',
    accessorKey: 'kind',
    cell: (c) => <span className={c.getValue() === 'insolvent' ? 'bad' : ''}>{String(c.getValue())}</span>,
  },
  { header: 'started', accessorKey: 'startTime', cell: (c) => seconds(c.getValue() as number) },
  { header: 'MtM at start', accessorKey: 'start.mtm', cell: (c) => money(c.getValue() as number) },
  { header: 'MM at start', accessorKey: 'start.mm', cell: (c) => money(c.getValue() as number) },
  { header: 'fee', accessorKey: 'start.fee' },
  { header: 'remaining', accessorKey: 'remainingFraction', cell: (c) => percent(c.getValue() as number) },
  { header: 'steps', accessorKey: 'sequence' },
  { header: 'ended', accessorKey: 'endTime', cell: (c) => seconds(c.getValue() as number | null) },
  { header: 'reason', accessorKey: 'endReason', cell: (c) => String(c.getValue() ?? '—') },
];

function AuctionList({ status, title }: { status: 'ongoing' | 'ended'; title: string }) {
  const { api } = useSession();
  const [pages, setPages] = useState<CursorPages>(firstPage);
  const cursor = cursorOf(pages);
  const q = useQuery({
    queryKey: ['liquidations', 'list', status, cursor],
    // Open auctions oldest first (longest running on top), ended ones newest first.
    queryFn: () =>
      api.get<AuctionListDto>('/liquidations', {
        status,
        cursor,
        limit: PAGE_SIZE,
        order: status === 'ongoing' ? 'asc' : 'desc',
      }),
    placeholderData: keepPreviousData,
  });
  const rows = q.data?.auctions ?? [];
  return (
    <Section title={title} testId={`auctions-${status}`}>
      <ErrorNote error={q.error} />
      <DataTable
        columns={auctionColumns}
        data={rows}
        testId={`table-auctions-${status}`}
        empty={status === 'ongoing' ? 'no open auction' : 'no ended auction'}
        maxHeight={360}
      />
      <div className="pager">
        <button
          type="button"
          disabled={pages.index === 0}
          onClick={() => setPages(previousPage)}
          data-testid={`auctions-${status}-prev`}
        >
          ‹ prev
        </button>
        <span>
          page {pages.index + 1} · {rows.length} shown ({status === 'ongoing' ? 'oldest' : 'newest'} first)
        </span>
        <button
          type="button"
          disabled={!q.data?.nextCursor}
          onClick={() => setPages((p) => nextPage(p, q.data?.nextCursor ?? null))}
          data-testid={`auctions-${status}-next`}
        >
          next ›
        </button>
      </div>
    </Section>
  );
}

type FundEntry = InsuranceFundDto['history'][number];
const fundColumns: ColumnDef<FundEntry, unknown>[] = [
  { header: 'at', accessorKey: 'at', cell: (c) => seconds(c.getValue() as number) },
  { header: 'kind', accessorKey: 'kind' },
  {
    header: 'amount',
    accessorKey: 'amount',
    cell: (c) => (
      <span className={String(c.getValue()).startsWith('-') ? 'bad' : ''}>{String(c.getValue())}</span>
    ),
  },
  {
    header: 'auction',
    accessorKey: 'auctionId',
    cell: (c) =>
      c.row.original.auctionId ? (
        <Link href={hrefOf({ page: 'auction', id: c.row.original.auctionId })}>
          {c.row.original.auctionId}
        </Link>
      ) : (
        '—'
      ),
  },
  { header: 'by', accessorKey: 'actor', cell: (c) => String(c.getValue() ?? '—') },
  { header: 'note', accessorKey: 'note', cell: (c) => String(c.getValue() ?? '') },
];

function useFund() {
  const { api } = useSession();
  return useQuery({
    queryKey: ['liquidations', 'fund'],
    queryFn: () => api.get<InsuranceFundDto>('/insurance-fund'),
  });
}

function LiveBadge({ live }: { live: LiveState }) {
  return (
    <span className={live.connected ? 'live on' : 'live'} data-testid="liquidations-live">
      {live.connected ? '● live' : '○ offline'} · {live.events} auction events
    </span>
  );
}

export function LiquidationsPage() {
  const { api } = useSession();
  const live = useLiveLiquidations(api);
  const fund = useFund();
  const series = useMemo(
    () => (fund.data ? fundBalanceSeries(fund.data.balance, fund.data.history) : []),
    [fund.data],
  );
  const option = useMemo(() => fundOption(series), [series]);
  const f = fund.data;
  return (
    <div data-testid="page-liquidations">
      <h1>Liquidations and auctions</h1>
      <div className="toolbar">
        <LiveBadge live={live} />
        <span className="muted">
          Dutch auctions on whole portfolios; paged on the engine, open auctions first.
        </span>
      </div>
      <ErrorNote error={fund.error} />
      <div className="cards">
        <Card title="Insurance fund" value={f ? money(Number(f.balance)) : '—'} testId="card-fund" />
        <Card
          title="Bad debt (socialised loss)"
          value={f ? money(Number(f.socialisedLoss)) : '—'}
          tone={f && Number(f.socialisedLoss) > 0 ? 'bad' : 'ok'}
          testId="card-bad-debt"
        />
        <Card
          title="Insolvent auctions' MM"
          value={f ? money(f.insolventCachedMM) : '—'}
          hint="cached MM of ongoing insolvent auctions"
        />
        <Card
          title="Withdrawals"
          value={f ? (f.withdrawalsBlocked ? 'blocked' : 'open') : '—'}
          tone={f?.withdrawalsBlocked ? 'bad' : 'ok'}
          hint="stopped while insolvent auctions exceed the fund"
        />
      </div>
      <AuctionList status="ongoing" title="Open auctions" />
      <AuctionList status="ended" title="Ended auctions" />
      <div className="grid2">
        <Section title="Insurance fund balance (latest 100 entries)">
          {series.length > 0 ? (
            <EChart option={option} height={240} testId="chart-fund" />
          ) : (
            <p className="muted">no fund entries yet</p>
          )}
        </Section>
        <Section title="Insurance fund history">
          {fund.isPending ? (
            <Loading />
          ) : (
            <DataTable
              columns={fundColumns}
              data={f?.history ?? []}
              testId="table-fund"
              empty="no entries"
              maxHeight={240}
            />
          )}
        </Section>
      </div>
    </div>
  );
}

type Bid = AuctionDetailDto['bids'][number];
const bidColumns: ColumnDef<Bid, unknown>[] = [
  { header: '#', accessorKey: 'sequence' },
  { header: 'at', accessorKey: 'time', cell: (c) => seconds(c.getValue() as number) },
  {
    header: 'bidder',
    accessorKey: 'bidderAccountId',
    cell: (c) => (
      <Link href={hrefOf({ page: 'account', id: c.row.original.bidderAccountId })}>
        {c.row.original.bidderAccountId}
      </Link>
    ),
  },
  {
    header: 'outcome',
    accessorKey: 'accepted',
    cell: (c) =>
      c.row.original.accepted ? (
        <span className="badge ok">accepted</span>
      ) : (
        <span className="badge bad">{c.row.original.reason ?? 'rejected'}</span>
      ),
  },
  {
    header: 'result',
    id: 'result',
    enableSorting: false,
    cell: (c) => <code>{JSON.stringify(c.row.original.result).slice(0, 120)}</code>,
  },
];

type AuctionEvent = AuctionEventsDto['events'][number];
const eventColumns: ColumnDef<AuctionEvent, unknown>[] = [
  { header: 'auction time', accessorKey: 'time', cell: (c) => seconds(c.getValue() as number) },
  {
    header: 'event',
    accessorKey: 'type',
    cell: (c) => {
      const t = String(c.getValue());
      const tone = t === 'insurance_draw' || t === 'socialised_loss' || t === 'converted' ? 'bad' : 'ok';
      return <span className={`badge ${tone}`}>{t}</span>;
    },
  },
  { header: 'what happened', id: 'summary', enableSorting: false, cell: (c) => eventSummary(c.row.original) },
];

export function AuctionPage({ id }: { id: string }) {
  const { api } = useSession();
  const live = useLiveLiquidations(api);
  const detail = useQuery({
    queryKey: ['liquidations', 'detail', id],
    queryFn: () => api.get<AuctionDetailDto>(`/liquidations/${encodeURIComponent(id)}`),
  });
  const events = useQuery({
    queryKey: ['liquidations', 'detail', id, 'events'],
    queryFn: () => api.get<AuctionEventsDto>(`/admin/liquidations/${encodeURIComponent(id)}/events`),
  });
  const a = detail.data;
  return (
    <div data-testid="page-auction">
      <p>
        <Link href={hrefOf({ page: 'liquidations' })}>‹ liquidations</Link>
      </p>
      <h1>Auction {id}</h1>
      <div className="toolbar">
        <LiveBadge live={live} />
      </div>
      <ErrorNote error={detail.error ?? events.error} />
      {a ? (
        <>
          <div className="cards">
            <Card
              title="Account"
              value={<Link href={hrefOf({ page: 'account', id: a.accountId })}>{a.accountId}</Link>}
            />
            <Card
              title="State"
              value={`${a.status} · ${a.kind}`}
              tone={a.kind === 'insolvent' ? 'bad' : a.status === 'ongoing' ? 'warn' : 'ok'}
              testId="card-auction-state"
            />
            <Card title="Remaining" value={percent(a.remainingFraction)} hint={`${a.sequence} steps`} />
            <Card
              title="Start MtM / MM / BM"
              value={`${money(a.start.mtm)} / ${money(a.start.mm)}`}
              hint={money(a.start.bm)}
            />
            <Card title="Fee" value={a.start.fee} hint={`reserved cash ${a.reservedCash}`} />
            {a.live ? (
              <Card
                title="Price now"
                value={money(a.live.price)}
                hint={`discount ${percent(a.live.discount)} · fmax ${percent(a.live.fmax)}`}
                testId="card-live-price"
              />
            ) : (
              <Card title="Ended" value={seconds(a.endTime)} hint={a.endReason ?? ''} />
            )}
          </div>
          <Section title="Events (start, fee, bids, insurance draws, end)">
            <DataTable
              columns={eventColumns}
              data={events.data?.events ?? []}
              testId="table-auction-events"
              empty="no events"
              maxHeight={320}
            />
          </Section>
          <Section title="Bids">
            <DataTable
              columns={bidColumns}
              data={a.bids}
              testId="table-bids"
              empty="no bids yet"
              maxHeight={320}
            />
          </Section>
        </>
      ) : detail.isPending ? (
        <Loading />
      ) : null}
    </div>
  );
}
