import type { BookHistogramDto } from '@xmargin/schemas/http';

export const MODE_COLORS = { isolated: '#9aa5b1', cross: '#f0a202', portfolio: '#2b7de9' } as const;

/** Label of bin i (`[lo, hi)`), with the metric's own precision. */
export function binLabel(edges: readonly number[], i: number, metric: BookHistogramDto['metric']): string {
  const digits = metric === 'marginRatio' ? 2 : 0;
  const lo = edges[i];
  const hi = edges[i + 1];
  if (lo === undefined || hi === undefined) return metric === 'marginRatio' ? 'no equity / above' : 'outside';
  return `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
}

export interface HistogramView {
  readonly labels: string[];
  readonly series: { mode: keyof typeof MODE_COLORS; counts: number[] }[];
}

/**
 * The binned distribution as chart categories: one category per bin plus the overflow one (accounts
 * with no equity, or above the range), one overlaid series per margin mode.
 */
export function histogramView(dto: BookHistogramDto): HistogramView {
  const bins = dto.edges.length - 1;
  const labels = Array.from({ length: bins }, (_, i) => binLabel(dto.edges, i, dto.metric));
  labels.push(binLabel(dto.edges, bins, dto.metric));
  return {
    labels,
    series: dto.series.map((s) => ({ mode: s.mode, counts: [...s.counts, s.overflow] })),
  };
}

/** ECharts option for the overlaid histogram (bars of each mode drawn over each other). */
export function histogramOption(dto: BookHistogramDto) {
  const view = histogramView(dto);
  return {
    animation: false,
    tooltip: { trigger: 'axis' as const },
    legend: { top: 0, data: view.series.map((s) => s.mode) },
    grid: { left: 48, right: 16, top: 36, bottom: 64 },
    xAxis: { type: 'category' as const, data: view.labels, axisLabel: { rotate: 40 } },
    yAxis: { type: 'value' as const, name: 'accounts', minInterval: 1 },
    series: view.series.map((s, i) => ({
      name: s.mode,
      type: 'bar' as const,
      data: s.counts,
      barGap: '-100%',
      itemStyle: { color: MODE_COLORS[s.mode], opacity: 0.55 },
      z: 3 - i,
    })),
  };
}
