import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { BookHistogramDto, BookSummaryDto } from '@xmargin/schemas/http';
import { useMemo, useState } from 'react';
import { EChart } from '../charts/EChart.js';
import { Card, ErrorNote, Loading, Section } from '../components/ui.js';
import { money, ratio } from '../lib/format.js';
import { binLabel, histogramOption } from '../lib/histogram.js';
import { useSession } from '../session.js';
import { AccountsTable } from './AccountsTable.js';

const METRICS = ['marginRatio', 'maintenanceExcess', 'initialExcess', 'equity'] as const;

export function DistributionPage() {
  const { api } = useSession();
  const [metric, setMetric] = useState<(typeof METRICS)[number]>('marginRatio');
  const [bins, setBins] = useState(30);
  const [picked, setPicked] = useState<{ mode: 'isolated' | 'cross' | 'portfolio'; bin: number } | null>(
    null,
  );
  const hist = useQuery({
    queryKey: ['book', 'histogram', metric, bins],
    queryFn: () => api.get<BookHistogramDto>('/admin/book/histogram', { metric, bins, mode: 'all' }),
    placeholderData: keepPreviousData,
  });
  const summary = useQuery({
    queryKey: ['book', 'summary'],
    queryFn: () => api.get<BookSummaryDto>('/admin/book/summary'),
  });
  const option = useMemo(() => (hist.data ? histogramOption(hist.data) : null), [hist.data]);
  const s = summary.data;
  return (
    <div data-testid="page-distribution">
      <h1>Margin distribution</h1>
      <div className="toolbar">
        <label>
          metric{' '}
          <select
            value={metric}
            onChange={(e) => {
              setMetric(e.target.value as (typeof METRICS)[number]);
              setPicked(null);
            }}
            data-testid="metric"
          >
            {METRICS.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label>
          bins{' '}
          <select
            value={bins}
            onChange={(e) => {
              setBins(Number(e.target.value));
              setPicked(null);
            }}
          >
            {[10, 20, 30, 50, 100].map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          binned on the engine over the whole book; click a bar to list its accounts
        </span>
      </div>
      <ErrorNote error={hist.error} />
      {option ? (
        <EChart
          option={option}
          height={320}
          testId="chart-histogram"
          onClick={(p) => {
            const mode = (p.seriesName ?? 'portfolio') as 'isolated' | 'cross' | 'portfolio';
            setPicked({ mode, bin: p.dataIndex });
          }}
        />
      ) : (
        <Loading />
      )}
      {s ? (
        <div className="cards">
          <Card
            title="capital efficiency"
            value={s.capitalEfficiency === null ? '—' : `${ratio(s.capitalEfficiency)}x`}
            hint="isolated IM / portfolio IM"
          />
          {(['isolated', 'cross', 'portfolio'] as const).map((m) => (
            <Card
              key={m}
              title={`${m} IM / MM`}
              value={money(s.modes[m].initialRequirement)}
              hint={`MM ${money(s.modes[m].maintenanceRequirement)}`}
            />
          ))}
        </div>
      ) : null}
      {picked && hist.data ? (
        <Section
          title={`Accounts in ${picked.mode} bin ${binLabel(hist.data.edges, picked.bin, metric)}`}
          testId="bin-accounts"
        >
          <AccountsTable bin={{ metric, mode: picked.mode, bins, bin: picked.bin }} />
        </Section>
      ) : null}
    </div>
  );
}
