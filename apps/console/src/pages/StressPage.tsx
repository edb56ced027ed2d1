import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import type { StressRoundsDto } from '@xmargin/schemas/http';
import { useMemo, useState } from 'react';
import { EChart } from '../charts/EChart.js';
import { DataTable } from '../components/DataTable.js';
import { Card, ConfirmButton, ErrorNote, Loading, Section } from '../components/ui.js';
import { money, percent, ratio, time } from '../lib/format.js';
import { type CursorPages, cursorOf, firstPage, nextPage, previousPage } from '../lib/liquidations.js';
import { hrefOf } from '../lib/route.js';
import {
  defaultStressForm,
  liquidationsHistogramOption,
  movedAssets,
  type RoundMetric,
  roundsOption,
  type StressForm,
  type StressModeView,
  type StressRunRow,
  type StressRunsPage,
  stressRequest,
} from '../lib/stress.js';
import { Link, navigate } from '../router.js';
import { useSession } from '../session.js';

const MODES = ['isolated', 'cross', 'portfolio'] as const;
const active = (s: StressRunRow['status']) => s === 'queued' || s === 'running';

function StatusBadge({ run }: { run: Pick<StressRunRow, 'status' | 'progress'> }) {
  const tone = run.status === 'done' ? 'ok' : run.status === 'failed' ? 'bad' : '';
  return (
    <span className={`badge ${tone}`} data-testid="run-status">
      {run.status}
      {run.status === 'running' && run.progress ? ` (${run.progress.mode}, round ${run.progress.round})` : ''}
    </span>
  );
}

const runColumns: ColumnDef<StressRunRow, unknown>[] = [
  {
    header: 'run',
    accessorKey: 'id',
    cell: (c) => (
      <Link href={hrefOf({ page: 'stress-run', id: c.row.original.id })} testId="run-link">
        {c.row.original.label ?? c.row.original.id}
      </Link>
    ),
  },
  { header: 'status', accessorKey: 'status', cell: (c) => <StatusBadge run={c.row.original} /> },
  { header: 'started', accessorKey: 'createdAt', cell: (c) => time((c.getValue() as number) * 1000) },
  { header: 'by', accessorKey: 'createdBy' },
  { header: 'accounts', id: 'accounts', cell: (c) => String(c.row.original.snapshot?.accountCount ?? '—') },
  ...MODES.map(
    (mode): ColumnDef<StressRunRow, unknown> => ({
      header: `${mode}: rounds / bad debt`,
      id: `summary-${mode}`,
      enableSorting: false,
      cell: (c) => {
        const s = c.row.original.summary?.[mode];
        return s ? `${s.roundCount}${s.converged ? '' : '!'} / ${money(s.badDebt)}` : '—';
      },
    }),
  ),
];

/** A labelled form field (the control is the child) with its validation message. */
function Field(props: { label: string; error?: string | undefined; children: React.ReactNode }) {
  return (
    <div className="field">
      <span>{props.label}</span>
      {props.children}
      {props.error ? <span className="bad">{props.error}</span> : null}
    </div>
  );
}

function StartRun() {
  const { api, canWrite } = useSession();
  const client = useQueryClient();
  const [form, setForm] = useState<StressForm>(defaultStressForm);
  const checked = stressRequest(form);
  const errorOf = (f: keyof StressForm) =>
    checked.ok
      ? undefined
      : checked.errors
          .filter((e) => e.field === f)
          .map((e) => e.message)
          .join('; ') || undefined;
  const set =
    <K extends keyof StressForm>(k: K) =>
    (v: StressForm[K]) =>
      setForm((f) => ({ ...f, [k]: v }));
  return (
    <Section title="Start a run (admin; on a consistent snapshot of the live book)" testId="stress-start">
      {canWrite ? null : <p className="muted">Read-only operator key: runs can be read, not started.</p>}
      <div className="form-grid">
        <Field label="label">
          <input
            value={form.label}
            onChange={(e) => set('label')(e.target.value)}
            data-testid="stress-label"
          />
        </Field>
        <Field label="shocks (ASSET=-25% or ASSET=0.75)" error={errorOf('shocks')}>
          <input
            value={form.shocks}
            onChange={(e) => set('shocks')(e.target.value)}
            data-testid="stress-shocks"
          />
        </Field>
        <Field label="depth: USD for a 2% move, per shocked asset" error={errorOf('usdFor2pct')}>
          <input
            value={form.usdFor2pct}
            onChange={(e) => set('usdFor2pct')(e.target.value)}
            data-testid="stress-depth"
          />
        </Field>
        <Field label="policy">
          <select value={form.policy} onChange={(e) => set('policy')(e.target.value as StressForm['policy'])}>
            <option value="full">full liquidation</option>
            <option value="toTarget">to target</option>
          </select>
        </Field>
        <Field label="liquidation penalty (fraction)" error={errorOf('penalty')}>
          <input value={form.penalty} onChange={(e) => set('penalty')(e.target.value)} />
        </Field>
        <Field label="insurance fund (USD)" error={errorOf('insuranceFund')}>
          <input value={form.insuranceFund} onChange={(e) => set('insuranceFund')(e.target.value)} />
        </Field>
        <Field label="risk parameters (active or a version)" error={errorOf('params')}>
          <input
            value={form.params}
            onChange={(e) => set('params')(e.target.value)}
            data-testid="stress-params"
          />
        </Field>
        <Field label="margin modes" error={errorOf('modes')}>
          <span>
            {MODES.map((m) => (
              <label key={m} className="pair">
                <input
                  type="checkbox"
                  checked={form.modes.includes(m)}
                  onChange={(e) =>
                    set('modes')(
                      e.target.checked
                        ? MODES.filter((x) => x === m || form.modes.includes(x))
                        : form.modes.filter((x) => x !== m),
                    )
                  }
                />
                {m}
              </label>
            ))}
          </span>
        </Field>
      </div>
      <ConfirmButton
        label="start run"
        testId="stress-start-button"
        disabled={!canWrite || !checked.ok}
        confirm={`Start a stress run "${form.label || 'unlabelled'}" (${form.shocks}) on the live book under ${form.modes.join(', ')} margin? It is queued as a job and audited.`}
        onConfirm={async () => {
          if (!checked.ok) return;
          const r = await api.send<{ id: string }>('POST', '/admin/stress-runs', checked.body);
          await client.invalidateQueries({ queryKey: ['stress'] });
          navigate(hrefOf({ page: 'stress-run', id: r.id }));
        }}
      />
    </Section>
  );
}

export function StressPage() {
  const { api } = useSession();
  const [pages, setPages] = useState<CursorPages>(firstPage);
  const before = cursorOf(pages);
  const runs = useQuery({
    queryKey: ['stress', 'runs', before],
    queryFn: () => api.get<StressRunsPage>('/admin/stress-runs', { limit: 20, before }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.runs.some((r) => active(r.status)) ? 1_000 : 10_000),
  });
  return (
    <div data-testid="page-stress">
      <h1>Stress and contagion runs</h1>
      <p className="muted">
        Shock the live book, sell liquidated collateral into finite depth, repeat until nothing more fails;
        isolated, cross and portfolio margin side by side.
      </p>
      <StartRun />
      <Section title="Runs (newest first)" testId="stress-runs">
        <ErrorNote error={runs.error} />
        <DataTable
          columns={runColumns}
          data={runs.data?.runs ?? []}
          testId="table-stress-runs"
          empty="no stress run yet"
          maxHeight={400}
        />
        <div className="pager">
          <button type="button" disabled={pages.index === 0} onClick={() => setPages(previousPage)}>
            ‹ newer
          </button>
          <span>page {pages.index + 1}</span>
          <button
            type="button"
            disabled={!runs.data?.next}
            onClick={() => setPages((p) => nextPage(p, runs.data?.next ?? null))}
          >
            older ›
          </button>
        </div>
      </Section>
    </div>
  );
}

const modeColumns: ColumnDef<StressModeView, unknown>[] = [
  { header: 'mode', accessorKey: 'mode' },
  {
    header: 'rounds',
    accessorKey: 'roundCount',
    cell: (c) => `${c.row.original.roundCount}${c.row.original.converged ? '' : ' (not converged)'}`,
  },
  { header: 'liquidations', accessorKey: 'liquidations' },
  { header: 'units liquidated', accessorKey: 'liquidatedUnits' },
  { header: 'notional', accessorKey: 'notional', cell: (c) => money(c.getValue() as number) },
  { header: 'penalties', accessorKey: 'penalties', cell: (c) => money(c.getValue() as number) },
  {
    header: 'bad debt',
    accessorKey: 'badDebt',
    cell: (c) => (
      <span className={(c.getValue() as number) > 0 ? 'bad' : ''}>{money(c.getValue() as number)}</span>
    ),
  },
  { header: 'insurance draw', accessorKey: 'insuranceDraw', cell: (c) => money(c.getValue() as number) },
  { header: 'socialised loss', accessorKey: 'socialisedLoss', cell: (c) => money(c.getValue() as number) },
  {
    header: 'price drop',
    id: 'drop',
    enableSorting: false,
    cell: (c) =>
      Object.entries(c.row.original.drop)
        .filter(([, d]) => d !== 0)
        .map(([a, d]) => `${a} ${percent(d)}`)
        .join(', ') || '—',
  },
  {
    header: 'amplification',
    id: 'amplification',
    enableSorting: false,
    cell: (c) =>
      Object.entries(c.row.original.amplification)
        .filter(([, x]) => x !== null)
        .map(([a, x]) => `${a} ×${ratio(x)}`)
        .join(', ') || '—',
  },
];

const ROUND_METRICS: { key: RoundMetric; label: string }[] = [
  { key: 'price', label: 'price' },
  { key: 'liquidations', label: 'liquidations' },
  { key: 'notional', label: 'liquidated notional' },
  { key: 'badDebt', label: 'bad debt' },
];

export function StressRunPage({ id }: { id: string }) {
  const { api } = useSession();
  const [metric, setMetric] = useState<RoundMetric>('price');
  const [asset, setAsset] = useState<string | undefined>(undefined);
  const [binMetric, setBinMetric] = useState<'notional' | 'badDebt' | 'penalty'>('notional');
  // The run with its result reduced on the engine (never the per-unit lists): polled while it runs.
  const rounds = useQuery({
    queryKey: ['stress', 'run', id, binMetric],
    queryFn: () =>
      api.get<StressRoundsDto>(`/admin/stress-runs/${encodeURIComponent(id)}/rounds`, {
        metric: binMetric,
        bins: 20,
      }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data && !active(q.state.data.status) ? false : 1_000),
  });
  const done = rounds.data?.status === 'done';
  const view = rounds.data?.view ?? null;
  const assets = useMemo(() => (view ? movedAssets(view) : []), [view]);
  const picked = asset ?? assets[0];
  const roundsChart = useMemo(
    () => (view ? roundsOption(view, metric, picked) : null),
    [view, metric, picked],
  );
  const histogram = useMemo(() => (view ? liquidationsHistogramOption(view) : null), [view]);
  const r = rounds.data;
  return (
    <div data-testid="page-stress-run">
      <p>
        <Link href={hrefOf({ page: 'stress' })}>‹ stress runs</Link>
      </p>
      <h1>Stress run {r?.label ?? id}</h1>
      <ErrorNote error={rounds.error} />
      {!r ? (
        rounds.isPending ? (
          <Loading />
        ) : null
      ) : (
        <>
          <div className="cards">
            <Card title="Status" value={<StatusBadge run={r} />} testId="card-run-status" />
            <Card
              title="Accounts"
              value={String(r.snapshot?.accountCount ?? '—')}
              hint={r.snapshot ? `as of ${time(r.snapshot.asOf * 1000)}` : ''}
            />
            <Card
              title="Parameters"
              value={
                r.snapshot
                  ? r.snapshot.paramsVersion === null
                    ? 'draft'
                    : `v${r.snapshot.paramsVersion}`
                  : '—'
              }
            />
            <Card title="Started by" value={r.createdBy} hint={time(r.createdAt * 1000)} />
          </div>
          {r.error ? (
            <div className="error" role="alert" data-testid="run-error">
              {r.error.code}: {r.error.message}
            </div>
          ) : null}
          {r.warnings.length > 0 ? (
            <div className="banner" data-testid="run-warnings">
              {r.warnings.length} warning(s):{' '}
              {r.warnings
                .slice(0, 5)
                .map((w) => JSON.stringify(w))
                .join('; ')}
            </div>
          ) : null}
          {view ? (
            <>
              <Section title="The three margin modes side by side" testId="stress-modes">
                <DataTable
                  columns={modeColumns}
                  data={view.modes}
                  testId="table-stress-modes"
                  maxHeight={200}
                />
              </Section>
              <Section
                title="Rounds"
                actions={
                  <span className="toolbar">
                    <select
                      value={metric}
                      onChange={(e) => setMetric(e.target.value as RoundMetric)}
                      data-testid="round-metric"
                    >
                      {ROUND_METRICS.map((m) => (
                        <option key={m.key} value={m.key}>
                          {m.label}
                        </option>
                      ))}
                    </select>
                    {metric === 'price' ? (
                      <select value={picked} onChange={(e) => setAsset(e.target.value)}>
                        {assets.map((a) => (
                          <option key={a} value={a}>
                            {a}
                          </option>
                        ))}
                      </select>
                    ) : null}
                  </span>
                }
              >
                {roundsChart ? <EChart option={roundsChart} height={280} testId="chart-rounds" /> : null}
              </Section>
              <Section
                title="Liquidations by size (binned on the engine)"
                actions={
                  <select
                    value={binMetric}
                    onChange={(e) => setBinMetric(e.target.value as typeof binMetric)}
                  >
                    <option value="notional">notional</option>
                    <option value="badDebt">bad debt</option>
                    <option value="penalty">penalty</option>
                  </select>
                }
              >
                {histogram ? (
                  <EChart option={histogram} height={260} testId="chart-stress-histogram" />
                ) : null}
              </Section>
              <Section title="Per chain">
                <table className="compact" data-testid="table-stress-chains">
                  <thead>
                    <tr>
                      <th>mode</th>
                      <th>chain</th>
                      <th>notional</th>
                      <th>bad debt</th>
                    </tr>
                  </thead>
                  <tbody>
                    {view.modes.flatMap((m) =>
                      m.perChain.map((c) => (
                        <tr key={`${m.mode}-${c.chain}`}>
                          <td>{m.mode}</td>
                          <td>{c.chain}</td>
                          <td>{money(c.notional)}</td>
                          <td>{money(c.badDebt)}</td>
                        </tr>
                      )),
                    )}
                  </tbody>
                </table>
              </Section>
              <p className="muted">
                The exact document this run used: <code>GET /v1/admin/stress-runs/{id}/document</code> (the
                CLI `xmargin stress` on it reproduces the result).
              </p>
            </>
          ) : done ? (
            <Loading />
          ) : null}
        </>
      )}
    </div>
  );
}
