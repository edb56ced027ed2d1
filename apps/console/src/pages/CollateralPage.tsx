import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import type { AttestationOverviewDto, AttestationRegistry } from '@xmargin/schemas/http';
import { useMemo } from 'react';
import { EChart } from '../charts/EChart.js';
import { DataTable } from '../components/DataTable.js';
import { ErrorNote, Loading, Section } from '../components/ui.js';
import { age } from '../lib/format.js';
import { useSession } from '../session.js';

interface TrustStore {
  network: string;
  current: number;
  sets: { index: number; keys: string[]; expiresAt: number | null }[];
}

type Recent = AttestationOverviewDto['recent'][number];
const recentColumns: ColumnDef<Recent, unknown>[] = [
  { header: 'kind', accessorKey: 'kind' },
  { header: 'chain', accessorKey: 'chain', cell: (c) => (c.getValue() as string | null) ?? '—' },
  { header: 'sequence', accessorKey: 'sequence', cell: (c) => (c.getValue() as string | null) ?? '—' },
  { header: 'account', accessorKey: 'account', cell: (c) => (c.getValue() as string | null) ?? '—' },
  {
    header: 'observed',
    accessorKey: 'observedAt',
    cell: (c) => {
      const v = c.getValue() as number | null;
      return v === null ? '—' : `${age(Date.now() / 1000 - v)} ago`;
    },
  },
  {
    header: 'lag',
    id: 'lag',
    accessorFn: (r) => (r.observedAt === null ? null : r.appliedAt - r.observedAt),
    cell: (c) => age(c.getValue() as number | null),
  },
  {
    header: 'replay key',
    accessorKey: 'replayKey',
    cell: (c) => <code>{String(c.getValue()).slice(0, 14)}…</code>,
  },
];

type Emitter = AttestationRegistry['emitters'][number];
const emitterColumns: ColumnDef<Emitter, unknown>[] = [
  { header: 'kind', accessorKey: 'kind' },
  { header: 'chain', accessorKey: 'chain' },
  { header: 'wormhole chain', accessorKey: 'emitterChain' },
  { header: 'emitter', accessorKey: 'emitterAddress', cell: (c) => <code>{String(c.getValue())}</code> },
];

export function CollateralPage() {
  const { api } = useSession();
  const overview = useQuery({
    queryKey: ['book', 'attestations'],
    queryFn: () => api.get<AttestationOverviewDto>('/admin/attestations/overview'),
  });
  const trust = useQuery({
    queryKey: ['guardian-sets'],
    queryFn: () => api.get<TrustStore>('/admin/guardian-sets'),
    retry: false,
  });
  const registry = useQuery({
    queryKey: ['registry'],
    queryFn: () => api.get<AttestationRegistry>('/admin/attestation-registry'),
  });
  const o = overview.data;
  const freshnessOption = useMemo(() => {
    if (!o) return null;
    const edges = o.freshness[0]?.edges ?? [];
    return {
      animation: false,
      tooltip: { trigger: 'axis' as const },
      legend: { top: 0, data: o.freshness.map((f) => f.chain) },
      grid: { left: 48, right: 16, top: 36, bottom: 32 },
      xAxis: {
        type: 'category' as const,
        data: edges.map((e, i) => (i + 1 < edges.length ? `< ${age(edges[i + 1])}` : `≥ ${age(e)}`)),
      },
      yAxis: { type: 'value' as const, name: 'accounts', minInterval: 1 },
      series: o.freshness.map((f) => ({ name: f.chain, type: 'bar' as const, data: f.counts })),
    };
  }, [o]);
  if (overview.isPending) return <Loading />;
  if (!o) return <ErrorNote error={overview.error} />;
  return (
    <div data-testid="page-collateral">
      <h1>Collateral and attestations</h1>
      {o.freshness.some((f) => f.stale) ? (
        <div className="banner">
          Stale:{' '}
          {o.freshness
            .filter((f) => f.stale)
            .map((f) => f.chain)
            .join(', ')}
        </div>
      ) : null}
      <Section
        title={`Freshness per chain (age of each account's oldest observation; limit ${age(o.staleAfterSeconds)})`}
      >
        {freshnessOption ? <EChart option={freshnessOption} height={240} testId="chart-freshness" /> : null}
      </Section>
      <div className="grid2">
        <Section title="Finality / relay lag (observation to acceptance)">
          <table className="compact" data-testid="table-lag">
            <thead>
              <tr>
                <th>chain</th>
                <th>attestations</th>
                <th>p50</th>
                <th>max</th>
              </tr>
            </thead>
            <tbody>
              {o.lag.map((l) => (
                <tr key={l.chain}>
                  <td>{l.chain}</td>
                  <td>{l.count}</td>
                  <td>{age(l.p50Seconds)}</td>
                  <td>{age(l.maxSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
        <Section title="Rejections by code (since the API process started)">
          <table className="compact" data-testid="table-rejections">
            <tbody>
              {o.rejections.length === 0 ? (
                <tr>
                  <td className="muted">none</td>
                </tr>
              ) : (
                o.rejections.map((r) => (
                  <tr key={r.code}>
                    <td>{r.code}</td>
                    <td>{r.count}</td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </Section>
      </div>
      <Section title="Recent attestations">
        <DataTable columns={recentColumns} data={o.recent} testId="table-attestations" maxHeight={360} />
      </Section>
      <div className="grid2">
        <Section title="Guardian sets">
          {trust.data ? (
            <table className="compact" data-testid="table-guardians">
              <thead>
                <tr>
                  <th>set</th>
                  <th>guardians</th>
                  <th>status</th>
                  <th>expires</th>
                </tr>
              </thead>
              <tbody>
                {[...trust.data.sets]
                  .sort((a, b) => b.index - a.index)
                  .map((s) => (
                    <tr key={s.index}>
                      <td>{s.index}</td>
                      <td>{s.keys.length}</td>
                      <td>
                        {s.index === trust.data.current
                          ? 'active'
                          : s.index < trust.data.current
                            ? 'previous (upgraded)'
                            : 'future'}
                      </td>
                      <td>
                        {s.expiresAt === null
                          ? 'never'
                          : new Date(s.expiresAt * 1000).toISOString().slice(0, 19)}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          ) : (
            <p className="muted">{trust.isPending ? 'loading…' : 'no trust store configured'}</p>
          )}
          {trust.data ? (
            <p className="muted">
              network {trust.data.network}; upgrade history = the sets above in index order
            </p>
          ) : null}
        </Section>
        <Section title="Emitter allow-list">
          <DataTable
            columns={emitterColumns}
            data={registry.data?.emitters ?? []}
            testId="table-emitters"
            empty="no emitters"
          />
        </Section>
      </div>
    </div>
  );
}
