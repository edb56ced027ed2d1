import type { EngineProcess } from '../../test/src/harness/index.js';
import { type Column, money, renderTable } from './table.js';

export interface AccountRow {
  readonly accountId: string;
  readonly computedAt: number;
  readonly equity: number;
  readonly im: number;
  readonly mm: number;
  readonly imExcess: number;
  readonly mmExcess: number;
  readonly worst: string;
  readonly chains: readonly string[];
  readonly positions: number;
}

/** Reads every account's margin snapshot and explanation from the engine API. */
export async function readBook(engine: EngineProcess, accountIds: readonly string[]): Promise<AccountRow[]> {
  return Promise.all(
    accountIds.map(async (id) => {
      const explain = await engine.admin.margin.explain(id);
      const s = explain.summary;
      return {
        accountId: id,
        computedAt: explain.computedAt,
        equity: s.equity,
        im: s.initialRequirement,
        mm: s.maintenanceRequirement,
        imExcess: s.initialExcess,
        mmExcess: s.maintenanceExcess,
        worst: describeWorst(explain.worstScenario),
        chains: explain.chains.map((c) => c.chain),
        positions: explain.positions.length,
      };
    }),
  );
}

function describeWorst(w: { underlying: string; scenario: unknown; pnl: number } | null): string {
  if (w === null) return '-';
  const s = w.scenario as { spotShock?: number; vol?: string; basis?: boolean };
  const what =
    s.basis === true
      ? 'basis'
      : `spot ${signed(Math.round(((s.spotShock ?? 1) - 1) * 100))}% vol ${s.vol ?? 'none'}`;
  return `${w.underlying} ${what} (${money(w.pnl)})`;
}

const signed = (x: number) => (x > 0 ? `+${x}` : String(x));

const columns: Column<AccountRow>[] = [
  { header: 'account', cell: (r) => r.accountId },
  { header: 'equity', cell: (r) => money(r.equity), align: 'right' },
  { header: 'IM', cell: (r) => money(r.im), align: 'right' },
  { header: 'MM', cell: (r) => money(r.mm), align: 'right' },
  { header: 'excess (IM)', cell: (r) => money(r.imExcess), align: 'right' },
  { header: 'excess (MM)', cell: (r) => money(r.mmExcess), align: 'right' },
  { header: 'worst scenario (P&L)', cell: (r) => r.worst },
  { header: 'chains', cell: (r) => r.chains.join(', ') },
];

export function bookTable(rows: readonly AccountRow[]): string {
  return renderTable(rows, columns);
}
