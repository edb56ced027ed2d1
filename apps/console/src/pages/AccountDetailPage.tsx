import { useMutation, useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import type { AccountDetailDto } from '@xmargin/schemas/http';
import { useMemo, useState } from 'react';
import { EChart } from '../charts/EChart.js';
import { DataTable } from '../components/DataTable.js';
import { Card, ErrorNote, Loading, Section } from '../components/ui.js';
import { age, money, ratio, time } from '../lib/format.js';
import { modesOption, type ScenarioLike, scenarioOption } from '../lib/scenarios.js';
import { useSession } from '../session.js';

interface Greeks {
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
}
interface ResultLike {
  underlyings: Record<string, { scenarios: ScenarioLike[]; greeks: Greeks; worstScenario: unknown }>;
  positions: { index: number; markToMarket: number; worstScenarioPnl: number; greeks: Greeks }[];
  modes: Record<
    'isolated' | 'cross' | 'portfolio',
    { initialRequirement: number; maintenanceRequirement: number }
  >;
  capitalEfficiency: number | null;
}
interface Summary {
  equity: number;
  initialRequirement: number;
  maintenanceRequirement: number;
  initialExcess: number;
  maintenanceExcess: number;
  markToMarket: number;
}
interface History {
  snapshots: { computedAt: number; summary: Summary }[];
}
interface WhatIf {
  current: Summary;
  proposed: Summary;
  change: Summary;
  acceptable: boolean;
}

type Balance = AccountDetailDto['balances'][number];
const balanceColumns: ColumnDef<Balance, unknown>[] = [
  { header: 'chain', accessorKey: 'chain' },
  { header: 'asset', accessorKey: 'asset' },
  { header: 'source', accessorKey: 'source' },
  { header: 'amount', accessorKey: 'amount' },
  { header: 'age', accessorKey: 'ageSeconds', cell: (c) => age(c.getValue() as number) },
  { header: 'holder', accessorKey: 'holder', cell: (c) => <code>{String(c.getValue()).slice(0, 18)}…</code> },
];

interface PositionRow {
  key: string;
  protocol: string;
  positionId: string;
  description: string;
  markToMarket: number | null;
  worstScenarioPnl: number | null;
  delta: number | null;
  gamma: number | null;
  vega: number | null;
}
const positionColumns: ColumnDef<PositionRow, unknown>[] = [
  { header: 'protocol', accessorKey: 'protocol' },
  { header: 'position', accessorKey: 'positionId' },
  { header: 'instrument', accessorKey: 'description' },
  { header: 'mark', accessorKey: 'markToMarket', cell: (c) => money(c.getValue() as number | null) },
  {
    header: 'worst-scenario P&L',
    accessorKey: 'worstScenarioPnl',
    cell: (c) => money(c.getValue() as number | null),
  },
  { header: 'delta', accessorKey: 'delta', cell: (c) => ratio(c.getValue() as number | null, 3) },
  { header: 'gamma', accessorKey: 'gamma', cell: (c) => ratio(c.getValue() as number | null, 5) },
  { header: 'vega', accessorKey: 'vega', cell: (c) => ratio(c.getValue() as number | null, 2) },
];

function describe(p: unknown): string {
  const x = p as {
    type?: string;
    underlying?: string;
    quantity?: number;
    strike?: number;
    right?: string;
    expiry?: number;
  };
  const expiry = x.expiry ? ` ${new Date(x.expiry * 1000).toISOString().slice(0, 10)}` : '';
  const strike = x.strike ? ` ${x.strike} ${x.right ?? ''}` : '';
  return `${x.quantity ?? ''} ${x.underlying ?? ''} ${x.type ?? ''}${strike}${expiry}`.trim();
}

function WhatIfForm({ id, expiries }: { id: string; expiries: number[] }) {
  const { api, canWrite } = useSession();
  const [type, setType] = useState<'perp' | 'option' | 'future'>('perp');
  const [underlying, setUnderlying] = useState('ETH');
  const [quantity, setQuantity] = useState('1');
  const [price, setPrice] = useState('3000');
  const [right, setRight] = useState<'call' | 'put'>('call');
  const [expiry, setExpiry] = useState(String(expiries[0] ?? Math.floor(Date.now() / 1000) + 30 * 86_400));
  const [collateral, setCollateral] = useState({ asset: 'USDC', chain: 'evm-devnet', delta: '' });
  const m = useMutation({
    mutationFn: () => {
      const q = Number(quantity);
      const pid = `whatif-${type}`;
      const position =
        type === 'perp'
          ? { id: pid, type, underlying, quantity: q, entryPrice: Number(price) }
          : type === 'future'
            ? { id: pid, type, underlying, quantity: q, expiry: Number(expiry), entryPrice: Number(price) }
            : {
                id: pid,
                type,
                underlying,
                quantity: q,
                expiry: Number(expiry),
                strike: Number(price),
                right,
              };
      return api.send<WhatIf>('POST', `/accounts/${id}/margin/what-if`, {
        positions: { upsert: q === 0 ? [] : [position], remove: [] },
        collateral: collateral.delta.trim() ? [{ ...collateral, delta: collateral.delta.trim() }] : [],
      });
    },
  });
  const r = m.data;
  return (
    <Section title="What-if (pre-trade check)" testId="whatif">
      {!canWrite ? <p className="muted">Read-only operator key: what-if runs with an admin key.</p> : null}
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          m.mutate();
        }}
      >
        <label>
          type
          <select
            value={type}
            onChange={(e) => setType(e.target.value as typeof type)}
            data-testid="whatif-type"
          >
            <option value="perp">perp</option>
            <option value="option">option</option>
            <option value="future">future</option>
          </select>
        </label>
        <label>
          underlying
          <input value={underlying} onChange={(e) => setUnderlying(e.target.value)} />
        </label>
        <label>
          quantity
          <input
            value={quantity}
            onChange={(e) => setQuantity(e.target.value)}
            data-testid="whatif-quantity"
          />
        </label>
        <label>
          {type === 'option' ? 'strike' : 'entry price'}
          <input value={price} onChange={(e) => setPrice(e.target.value)} data-testid="whatif-price" />
        </label>
        {type !== 'perp' ? (
          <label>
            expiry (unix s)
            <input value={expiry} onChange={(e) => setExpiry(e.target.value)} />
          </label>
        ) : null}
        {type === 'option' ? (
          <label>
            right
            <select value={right} onChange={(e) => setRight(e.target.value as 'call' | 'put')}>
              <option value="call">call</option>
              <option value="put">put</option>
            </select>
          </label>
        ) : null}
        <label>
          collateral Δ
          <input
            value={collateral.delta}
            placeholder="e.g. -1000"
            onChange={(e) => setCollateral({ ...collateral, delta: e.target.value })}
          />
        </label>
        <label>
          asset / chain
          <span className="pair">
            <input
              value={collateral.asset}
              onChange={(e) => setCollateral({ ...collateral, asset: e.target.value })}
            />
            <input
              value={collateral.chain}
              onChange={(e) => setCollateral({ ...collateral, chain: e.target.value })}
            />
          </span>
        </label>
        <button type="submit" disabled={!canWrite || m.isPending} data-testid="whatif-submit">
          Run what-if
        </button>
      </form>
      <ErrorNote error={m.error} />
      {r ? (
        <div data-testid="whatif-result">
          <div className={r.acceptable ? 'badge ok' : 'badge bad'} data-testid="whatif-verdict">
            {r.acceptable ? 'passes: initial requirement still met' : 'fails: initial requirement not met'}
          </div>
          <table className="compact">
            <thead>
              <tr>
                <th />
                <th>current</th>
                <th>proposed</th>
                <th>change</th>
              </tr>
            </thead>
            <tbody>
              {(
                [
                  'equity',
                  'initialRequirement',
                  'maintenanceRequirement',
                  'initialExcess',
                  'maintenanceExcess',
                ] as const
              ).map((k) => (
                <tr key={k}>
                  <td>{k}</td>
                  <td>{money(r.current[k])}</td>
                  <td>{money(r.proposed[k])}</td>
                  <td>{money(r.change[k])}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Section>
  );
}

export function AccountDetailPage({ id }: { id: string }) {
  const { api } = useSession();
  const detail = useQuery({
    queryKey: ['book', 'account', id],
    queryFn: () => api.get<AccountDetailDto>(`/admin/accounts/${id}/detail`),
  });
  const history = useQuery({
    queryKey: ['book', 'history', id],
    queryFn: () => api.get<History>(`/accounts/${id}/margin/history`, { limit: 200 }),
  });
  const d = detail.data;
  const result = (d?.snapshot?.result ?? null) as ResultLike | null;
  const summary = (d?.snapshot?.summary ?? null) as Summary | null;
  const positions: PositionRow[] = useMemo(() => {
    if (!d) return [];
    const byKey = new Map<string, ResultLike['positions'][number]>();
    for (const p of result?.positions ?? []) {
      const key = d.snapshot?.positionKeys[p.index];
      if (key) byKey.set(key, p);
    }
    return d.positions.map((p) => {
      const key = `${p.protocol}/${p.positionId}`;
      const r = byKey.get(key);
      return {
        key,
        protocol: p.protocol,
        positionId: p.positionId,
        description: describe(p.position),
        markToMarket: r?.markToMarket ?? null,
        worstScenarioPnl: r?.worstScenarioPnl ?? null,
        delta: r?.greeks.delta ?? null,
        gamma: r?.greeks.gamma ?? null,
        vega: r?.greeks.vega ?? null,
      };
    });
  }, [d, result]);
  const historyOption = useMemo(() => {
    const rows = [...(history.data?.snapshots ?? [])].reverse();
    return {
      animation: false,
      tooltip: { trigger: 'axis' as const },
      legend: { top: 0, data: ['equity', 'IM', 'MM'] },
      grid: { left: 72, right: 16, top: 36, bottom: 32 },
      xAxis: { type: 'time' as const },
      yAxis: { type: 'value' as const },
      series: [
        {
          name: 'equity',
          type: 'line' as const,
          showSymbol: false,
          data: rows.map((r) => [r.computedAt, r.summary.equity]),
        },
        {
          name: 'IM',
          type: 'line' as const,
          showSymbol: false,
          data: rows.map((r) => [r.computedAt, r.summary.initialRequirement]),
        },
        {
          name: 'MM',
          type: 'line' as const,
          showSymbol: false,
          data: rows.map((r) => [r.computedAt, r.summary.maintenanceRequirement]),
        },
      ],
    };
  }, [history.data]);
  const expiries = useMemo(
    () => [
      ...new Set(
        (d?.positions ?? [])
          .map((p) => (p.position as { expiry?: number }).expiry)
          .filter((x): x is number => typeof x === 'number'),
      ),
    ],
    [d],
  );
  if (detail.isPending) return <Loading />;
  if (!d) return <ErrorNote error={detail.error} />;
  return (
    <div data-testid="page-account">
      <h1>{id}</h1>
      {d.addresses.length > 0 ? (
        <p className="muted">{d.addresses.map((a) => `${a.chain}: ${a.address}`).join(' · ')}</p>
      ) : null}
      {summary ? (
        <div className="cards">
          <Card title="equity" value={money(summary.equity)} />
          <Card
            title="IM"
            value={money(summary.initialRequirement)}
            hint={`excess ${money(summary.initialExcess)}`}
          />
          <Card
            title="MM"
            value={money(summary.maintenanceRequirement)}
            hint={`excess ${money(summary.maintenanceExcess)}`}
            tone={summary.maintenanceExcess < 0 ? 'bad' : 'ok'}
          />
          <Card
            title="capital efficiency"
            value={result?.capitalEfficiency == null ? '—' : `${ratio(result.capitalEfficiency)}x`}
          />
          <Card
            title="computed"
            value={time(d.snapshot?.computedAt)}
            hint={`params v${d.snapshot?.paramsVersion ?? '—'}`}
          />
        </div>
      ) : (
        <p className="muted">Not margined yet.</p>
      )}
      <div className="grid2">
        <Section title="Collateral (chain / asset / source / age)">
          <DataTable
            columns={balanceColumns}
            data={d.balances}
            testId="table-balances"
            empty="no collateral"
          />
        </Section>
        <Section title="Isolated / cross / portfolio">
          {result ? <EChart option={modesOption(result.modes)} height={240} testId="chart-modes" /> : null}
        </Section>
      </div>
      <Section title="Positions per protocol">
        <DataTable columns={positionColumns} data={positions} testId="table-positions" empty="no positions" />
      </Section>
      {result
        ? Object.entries(result.underlyings).map(([u, r]) => (
            <Section
              key={u}
              title={`${u}: scenario P&L (worst in red) · Greeks Δ ${ratio(r.greeks.delta, 3)} Γ ${ratio(r.greeks.gamma, 5)} ν ${ratio(r.greeks.vega, 2)} θ ${ratio(r.greeks.theta, 2)}`}
            >
              <EChart option={scenarioOption(r.scenarios)} height={260} testId={`chart-scenarios-${u}`} />
            </Section>
          ))
        : null}
      <Section title="Margin history">
        <ErrorNote error={history.error} />
        <EChart option={historyOption} height={240} testId="chart-history" />
      </Section>
      <WhatIfForm id={id} expiries={expiries} />
    </div>
  );
}
