import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import type { BookSummaryDto } from '@xmargin/schemas/http';
import { useMemo } from 'react';
import { EChart } from '../charts/EChart.js';
import { DataTable } from '../components/DataTable.js';
import { Card, ErrorNote, Loading, Section } from '../components/ui.js';
import { age, money, ratio, time } from '../lib/format.js';
import { useSession } from '../session.js';

type ChainRow = BookSummaryDto['collateral'][number] & { freshness?: BookSummaryDto['chains'][number] };

export function BookPage() {
  const { api } = useSession();
  const q = useQuery({
    queryKey: ['book', 'summary'],
    queryFn: () => api.get<BookSummaryDto>('/admin/book/summary'),
    refetchInterval: 10_000,
  });
  const s = q.data;
  const rows: ChainRow[] = useMemo(() => {
    if (!s) return [];
    const chains = new Set([...s.collateral.map((c) => c.chain), ...s.chains.map((c) => c.chain)]);
    return [...chains].sort().map((chain) => {
      const c = s.collateral.find((x) => x.chain === chain) ?? { chain, accounts: 0, value: 0, assets: [] };
      const f = s.chains.find((x) => x.chain === chain);
      return { ...c, ...(f ? { freshness: f } : {}) };
    });
  }, [s]);
  const columns = useMemo<ColumnDef<ChainRow, unknown>[]>(
    () => [
      { header: 'chain', accessorKey: 'chain' },
      { header: 'accounts', accessorKey: 'accounts' },
      {
        header: 'assets',
        id: 'assets',
        cell: (c) => c.row.original.assets.map((a) => `${a.amount} ${a.asset}`).join(', ') || '—',
      },
      { header: 'value', accessorKey: 'value', cell: (c) => money(c.getValue() as number) },
      {
        header: 'oldest attestation',
        id: 'age',
        accessorFn: (r) => r.freshness?.ageSeconds ?? null,
        cell: (c) => {
          const f = c.row.original.freshness;
          return f ? (
            <span className={f.stale ? 'bad' : ''}>
              {age(f.ageSeconds)}
              {f.stale ? ' (stale)' : ''}
            </span>
          ) : (
            '—'
          );
        },
      },
    ],
    [],
  );
  const chart = useMemo(
    () => ({
      animation: false,
      tooltip: { trigger: 'axis' as const },
      grid: { left: 80, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category' as const, data: rows.map((r) => r.chain) },
      yAxis: { type: 'value' as const, name: 'value' },
      series: [{ type: 'bar' as const, data: rows.map((r) => r.value), itemStyle: { color: '#2b7de9' } }],
    }),
    [rows],
  );
  if (q.isPending) return <Loading />;
  if (!s) return <ErrorNote error={q.error} />;
  return (
    <div data-testid="page-book">
      <h1>Book health</h1>
      {s.stale ? (
        <div className="banner" data-testid="stale-banner">
          Stale data: attestations on{' '}
          {s.chains
            .filter((c) => c.stale)
            .map((c) => c.chain)
            .join(', ')}{' '}
          are older than the limit ({age(s.staleAfterSeconds)}).
        </div>
      ) : null}
      <ErrorNote error={q.error} />
      <div className="cards">
        <Card title="accounts" value={`${s.margined} / ${s.accounts}`} hint="margined / total" />
        <Card title="equity" value={money(s.equity)} testId="kpi-equity" />
        <Card
          title="initial requirement"
          value={money(s.initialRequirement)}
          hint={`excess ${money(s.initialExcess)}`}
        />
        <Card
          title="maintenance requirement"
          value={money(s.maintenanceRequirement)}
          hint={`excess ${money(s.maintenanceExcess)}`}
        />
        <Card
          title="liquidatable"
          value={s.liquidatable}
          tone={s.liquidatable > 0 ? 'bad' : 'ok'}
          testId="kpi-liquidatable"
        />
        <Card
          title="near liquidation"
          value={s.nearLiquidation}
          hint={`margin ratio ≥ ${s.nearLiquidationRatio}`}
          tone={s.nearLiquidation > 0 ? 'warn' : 'ok'}
        />
        <Card
          title="capital efficiency"
          value={s.capitalEfficiency === null ? '—' : `${ratio(s.capitalEfficiency)}x`}
          hint="isolated IM / portfolio IM"
        />
        <Card
          title="bad debt"
          value={s.badDebt === null ? '—' : money(s.badDebt)}
          hint="with liquidation (issue 15)"
        />
        <Card
          title="insurance fund"
          value={s.insuranceFund === null ? '—' : money(s.insuranceFund)}
          hint="with liquidation (issue 15)"
        />
      </div>
      <Section title="Collateral per chain">
        <EChart option={chart} height={220} testId="chart-collateral" />
        <DataTable columns={columns} data={rows} testId="table-chains" />
      </Section>
      <p className="muted">as of {time(s.at)}</p>
    </div>
  );
}
