import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ParamsImpactDto } from '@xmargin/schemas/http';
import { useEffect, useState } from 'react';
import { Card, ConfirmButton, ErrorNote, Loading, Section } from '../components/ui.js';
import { json, money } from '../lib/format.js';
import { useSession } from '../session.js';

interface Version {
  version: number;
  status: 'draft' | 'active' | 'retired';
  params: unknown;
  note: string | null;
  createdBy: string;
  createdAt: number;
  activatedBy: string | null;
  activatedAt: number | null;
}
interface Diff {
  from: number | null;
  to: number;
  changes: { path: string; before: unknown; after: unknown }[];
}
interface Audit {
  entries: { version: number; action: string; actor: string; at: number; diff: unknown }[];
}

const date = (s: number | null) =>
  s === null ? '—' : new Date(s * 1000).toISOString().slice(0, 19).replace('T', ' ');

function DiffTable({ diff }: { diff: Diff }) {
  return (
    <>
      {diff.from === null ? (
        <p className="muted">
          No active version yet: the engine runs the default preset (pmrm-v1-mainnet); the diff is against
          nothing.
        </p>
      ) : null}
      <table className="compact" data-testid="params-diff">
        <thead>
          <tr>
            <th>path</th>
            <th>v{diff.from ?? '—'}</th>
            <th>v{diff.to}</th>
          </tr>
        </thead>
        <tbody>
          {diff.changes.length === 0 ? (
            <tr>
              <td colSpan={3} className="muted">
                identical
              </td>
            </tr>
          ) : (
            diff.changes.map((c) => (
              <tr key={c.path}>
                <td>
                  <code>{c.path}</code>
                </td>
                <td className="before">{json(c.before)}</td>
                <td className="after">{json(c.after)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </>
  );
}

function Impact({ version }: { version: number }) {
  const { api } = useSession();
  const q = useQuery({
    queryKey: ['params', 'impact', version],
    queryFn: () => api.get<ParamsImpactDto>(`/admin/params/${version}/impact`),
  });
  if (q.isPending) return <Loading />;
  if (!q.data) return <ErrorNote error={q.error} />;
  const i = q.data;
  return (
    <div data-testid="params-impact">
      <div className="cards">
        <Card
          title="book IM"
          value={money(i.draft.initialRequirement)}
          hint={`now ${money(i.current.initialRequirement)}`}
        />
        <Card
          title="book MM"
          value={money(i.draft.maintenanceRequirement)}
          hint={`now ${money(i.current.maintenanceRequirement)}`}
        />
        <Card
          title="liquidatable"
          value={i.draft.liquidatable}
          hint={`now ${i.current.liquidatable}`}
          tone={i.newlyLiquidatable.length > 0 ? 'bad' : 'ok'}
        />
        <Card title="accounts" value={i.accounts} hint={`risk book ${i.computeMs.toFixed(1)} ms`} />
      </div>
      <h3>Would become liquidatable ({i.newlyLiquidatable.length})</h3>
      <table className="compact" data-testid="impact-accounts">
        <tbody>
          {i.newlyLiquidatable.length === 0 ? (
            <tr>
              <td className="muted">none</td>
            </tr>
          ) : (
            i.newlyLiquidatable.map((a) => (
              <tr key={a.accountId}>
                <td>{a.accountId}</td>
                <td>{money(a.currentExcess)}</td>
                <td className="bad">{money(a.draftExcess)}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

export function ParamsPage() {
  const { api, canWrite } = useSession();
  const client = useQueryClient();
  const versions = useQuery({
    queryKey: ['params', 'versions'],
    queryFn: () => api.get<{ versions: Version[] }>('/admin/params'),
  });
  const audit = useQuery({
    queryKey: ['params', 'audit'],
    queryFn: () => api.get<Audit>('/admin/params/audit'),
  });
  const list = versions.data?.versions ?? [];
  const active = list.find((v) => v.status === 'active');
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [draft, setDraft] = useState('');
  const [note, setNote] = useState('');
  useEffect(() => {
    if (draft === '' && versions.data)
      setDraft(JSON.stringify(active?.params ?? { preset: 'pmrm-v1-mainnet' }, null, 2));
  }, [versions.data, active, draft]);
  const diffTo = selected ?? to;
  const diffFrom = selected !== null ? (active?.version ?? null) : from;
  const diff = useQuery({
    queryKey: ['params', 'diff', diffTo, diffFrom],
    enabled: diffTo !== null,
    queryFn: () => api.get<Diff>(`/admin/params/${diffTo}/diff`, { against: diffFrom ?? undefined }),
  });
  const propose = useMutation({
    mutationFn: async () => {
      const params = JSON.parse(draft) as unknown;
      return api.send<Version>('POST', '/admin/params', {
        params,
        ...(note.trim() ? { note: note.trim() } : {}),
      });
    },
    onSuccess: async (v) => {
      setSelected(v.version);
      await client.invalidateQueries({ queryKey: ['params'] });
    },
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['params'] });
  const sel = list.find((v) => v.version === selected);
  return (
    <div data-testid="page-params">
      <h1>Risk parameters</h1>
      <ErrorNote error={versions.error} />
      <Section title="Versions">
        <table className="compact" data-testid="table-versions">
          <thead>
            <tr>
              <th>version</th>
              <th>status</th>
              <th>note</th>
              <th>proposed</th>
              <th>activated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  no versions: the engine runs the default preset (pmrm-v1-mainnet)
                </td>
              </tr>
            ) : null}
            {list.map((v) => (
              <tr key={v.version} className={v.version === selected ? 'selected' : ''}>
                <td>v{v.version}</td>
                <td>
                  <span className={`badge ${v.status === 'active' ? 'ok' : ''}`}>{v.status}</span>
                </td>
                <td>{v.note ?? ''}</td>
                <td>
                  {v.createdBy} · {date(v.createdAt)}
                </td>
                <td>{v.activatedBy ? `${v.activatedBy} · ${date(v.activatedAt)}` : '—'}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => setSelected(v.version)}
                    data-testid={`review-v${v.version}`}
                  >
                    review
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      {sel ? (
        <Section
          title={`Review v${sel.version} against the active version${active ? ` (v${active.version})` : ''}`}
          testId="params-review"
          actions={
            sel.status === 'draft' ? (
              <ConfirmButton
                label={`Activate v${sel.version}`}
                confirm={`Activate v${sel.version}? Every account is recomputed with it; the activation is written to the audit log.`}
                disabled={!canWrite}
                danger
                testId="activate"
                onConfirm={async () => {
                  await api.send('POST', `/admin/params/${sel.version}/activate`);
                  await refresh();
                  await client.invalidateQueries({ queryKey: ['book'] });
                }}
              />
            ) : null
          }
        >
          {diff.data ? <DiffTable diff={diff.data} /> : <ErrorNote error={diff.error} />}
          <h3>Impact on the book</h3>
          <Impact version={sel.version} />
        </Section>
      ) : null}
      <div className="grid2">
        <Section title="Propose a version">
          {!canWrite ? <p className="muted">Read-only operator key: proposing needs an admin key.</p> : null}
          <textarea
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            rows={10}
            spellCheck={false}
            data-testid="params-draft"
          />
          <input
            value={note}
            onChange={(e) => setNote(e.target.value)}
            placeholder="note (why)"
            data-testid="params-note"
          />
          <button
            type="button"
            disabled={!canWrite || propose.isPending}
            onClick={() => propose.mutate()}
            data-testid="params-propose"
          >
            Propose draft
          </button>
          <ErrorNote error={propose.error} />
        </Section>
        <Section title="Diff any two versions">
          <div className="toolbar">
            <select
              value={from ?? ''}
              onChange={(e) => {
                setSelected(null);
                setFrom(e.target.value ? Number(e.target.value) : null);
              }}
            >
              <option value="">active</option>
              {list.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </select>
            →
            <select
              value={to ?? ''}
              onChange={(e) => {
                setSelected(null);
                setTo(e.target.value ? Number(e.target.value) : null);
              }}
            >
              <option value="">pick</option>
              {list.map((v) => (
                <option key={v.version} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </select>
          </div>
          {selected === null && diff.data ? <DiffTable diff={diff.data} /> : null}
        </Section>
      </div>
      <Section title="Audit log">
        <table className="compact" data-testid="table-audit">
          <tbody>
            {(audit.data?.entries ?? []).map((e) => (
              <tr key={`${e.version}-${e.action}-${e.at}`}>
                <td>{date(e.at)}</td>
                <td>{e.actor}</td>
                <td>{e.action}</td>
                <td>v{e.version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}
