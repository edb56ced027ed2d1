import type { StressRoundsDto } from '@xmargin/schemas/http';
import { MODE_COLORS } from './histogram.js';

export type StressView = NonNullable<StressRoundsDto['view']>;
export type StressModeView = StressView['modes'][number];

/** A run as `GET /v1/admin/stress-runs` lists it (newest first). */
export interface StressRunRow {
  readonly id: string;
  readonly label: string | null;
  readonly status: 'queued' | 'running' | 'done' | 'failed';
  readonly progress: { mode: string; round: number } | null;
  readonly snapshot: { asOf: number; paramsVersion: number | null; accountCount: number } | null;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly error?: { code: string; message: string };
  readonly summary?: Record<string, { roundCount: number; converged: boolean; badDebt: number }>;
}

export interface StressRunsPage {
  readonly runs: StressRunRow[];
  readonly next: string | null;
}

/** The form of the console's "start a run" dialog, as text fields. */
export interface StressForm {
  readonly label: string;
  /** `ETH=-25%, SOL=0.7`: a percentage move or a price factor per asset. */
  readonly shocks: string;
  /** Market depth: USD that moves each shocked asset's price by 2% (exponential impact model). */
  readonly usdFor2pct: string;
  readonly policy: 'full' | 'toTarget';
  readonly penalty: string;
  readonly insuranceFund: string;
  readonly modes: readonly ('isolated' | 'cross' | 'portfolio')[];
  /** `active` or a parameter version number. */
  readonly params: string;
}

export const defaultStressForm: StressForm = {
  label: 'ETH -25%, SOL -30%',
  shocks: 'ETH=-25%, SOL=-30%',
  usdFor2pct: '5000000',
  policy: 'full',
  penalty: '0.02',
  insuranceFund: '0',
  modes: ['isolated', 'cross', 'portfolio'],
  params: 'active',
};

export type StressFormResult =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; errors: { field: keyof StressForm; message: string }[] };

/** `-25%` → 0.75, `0.7` → 0.7 (a factor applied to the price); NaN when neither. */
export function shockFactor(text: string): number {
  const t = text.trim();
  const pct = /^([+-]?\d+(?:\.\d+)?)\s*%$/.exec(t);
  if (pct) return 1 + Number(pct[1]) / 100;
  return /^\d+(?:\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

/**
 * The `POST /v1/admin/stress-runs` body of the form, or the fields that are wrong. The engine checks
 * everything again (and names the path of what it refuses); this catches typing mistakes early.
 */
export function stressRequest(form: StressForm): StressFormResult {
  const errors: { field: keyof StressForm; message: string }[] = [];
  const shocks: Record<string, number> = {};
  const parts = form.shocks
    .split(/[,;\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0) errors.push({ field: 'shocks', message: 'at least one asset=shock' });
  for (const part of parts) {
    const m = /^([A-Za-z0-9_.-]+)\s*[=:]\s*(.+)$/.exec(part);
    const factor = m ? shockFactor(m[2]!) : Number.NaN;
    if (!m || !(factor > 0)) {
      errors.push({ field: 'shocks', message: `"${part}": expected ASSET=-25% or ASSET=0.75` });
      continue;
    }
    shocks[m[1]!.toUpperCase()] = factor;
  }
  const depthUsd = Number(form.usdFor2pct);
  if (!(depthUsd > 0)) errors.push({ field: 'usdFor2pct', message: 'a positive USD amount' });
  const penalty = Number(form.penalty);
  if (!(penalty >= 0 && penalty < 1)) errors.push({ field: 'penalty', message: 'between 0 and 1' });
  const fund = Number(form.insuranceFund);
  if (!(fund >= 0)) errors.push({ field: 'insuranceFund', message: 'zero or more' });
  if (form.modes.length === 0) errors.push({ field: 'modes', message: 'at least one margin mode' });
  const params =
    form.params.trim() === '' || form.params.trim() === 'active' ? 'active' : Number(form.params);
  if (params !== 'active' && !(Number.isInteger(params) && params > 0)) {
    errors.push({ field: 'params', message: '"active" or a version number' });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    body: {
      shocks,
      depth: Object.fromEntries(Object.keys(shocks).map((a) => [a, { model: 'exp', usdFor2pct: depthUsd }])),
      policy: { kind: form.policy, penalty, insuranceFund: fund },
      modes: [...form.modes],
      params,
      ...(form.label.trim() ? { label: form.label.trim() } : {}),
    },
  };
}

export type RoundMetric = 'price' | 'liquidations' | 'badDebt' | 'notional';

/**
 * One line per margin mode over the rounds (round 0 = the shocked start): an asset's price, or the
 * liquidations / bad debt / liquidated notional of each round.
 */
export function roundsOption(view: StressView, metric: RoundMetric, asset?: string) {
  const maxRounds = Math.max(0, ...view.modes.map((m) => m.rounds.length));
  const rounds = Array.from({ length: maxRounds + 1 }, (_, i) => i);
  const value = (m: StressModeView, i: number): number | null => {
    if (metric === 'price') {
      if (asset === undefined) return null;
      if (i === 0) return view.shocked[asset] ?? view.reference[asset] ?? null;
      return m.rounds[i - 1]?.prices[asset] ?? null;
    }
    if (i === 0) return 0;
    const r = m.rounds[i - 1];
    return r ? r[metric] : null;
  };
  return {
    animation: false,
    tooltip: { trigger: 'axis' as const },
    legend: { top: 0, data: view.modes.map((m) => m.mode) },
    grid: { left: 64, right: 16, top: 36, bottom: 40 },
    xAxis: { type: 'category' as const, name: 'round', data: rounds.map(String) },
    yAxis: { type: 'value' as const, scale: metric === 'price' },
    series: view.modes.map((m) => ({
      name: m.mode,
      type: metric === 'price' ? ('line' as const) : ('bar' as const),
      data: rounds.map((i) => value(m, i)),
      itemStyle: { color: MODE_COLORS[m.mode] },
    })),
  };
}

/** The server-binned liquidation distribution, one overlaid series per mode. */
export function liquidationsHistogramOption(view: StressView) {
  const labels = view.edges.slice(0, -1).map((lo, i) => `${lo.toFixed(0)}–${view.edges[i + 1]!.toFixed(0)}`);
  return {
    animation: false,
    tooltip: { trigger: 'axis' as const },
    legend: { top: 0, data: view.modes.map((m) => m.mode) },
    grid: { left: 48, right: 16, top: 36, bottom: 64 },
    xAxis: { type: 'category' as const, data: labels, axisLabel: { rotate: 40 }, name: view.metric },
    yAxis: { type: 'value' as const, name: 'liquidations', minInterval: 1 },
    series: view.modes.map((m, i) => ({
      name: m.mode,
      type: 'bar' as const,
      data: m.counts,
      barGap: '-100%',
      itemStyle: { color: MODE_COLORS[m.mode], opacity: 0.55 },
      z: 3 - i,
    })),
  };
}

/** Assets whose price the run moved (shocked ones first), for the price chart's picker. */
export function movedAssets(view: StressView): string[] {
  const shocked = Object.keys(view.shocked);
  const moved = new Set<string>();
  for (const m of view.modes)
    for (const [a, d] of Object.entries(m.drop)) if (d !== 0 && !shocked.includes(a)) moved.add(a);
  return [...shocked, ...[...moved].sort()];
}
