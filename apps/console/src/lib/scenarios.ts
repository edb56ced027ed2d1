export interface ScenarioLike {
  readonly spotShock: number;
  readonly vol: string;
  readonly pnl: number;
}

export interface ScenarioBars {
  readonly labels: string[];
  readonly values: number[];
  /** Index of the worst (lowest P&L) scenario; -1 when there are none. */
  readonly worst: number;
}

/** One underlying's scenario P&Ls as bars, in the engine's order, with the worst one marked. */
export function scenarioBars(scenarios: readonly ScenarioLike[]): ScenarioBars {
  let worst = -1;
  for (const [i, s] of scenarios.entries()) {
    if (worst < 0 || s.pnl < (scenarios[worst]?.pnl ?? 0)) worst = i;
  }
  return {
    labels: scenarios.map((s) => `${s.spotShock >= 0 ? '+' : ''}${(s.spotShock * 100).toFixed(0)}% ${s.vol}`),
    values: scenarios.map((s) => s.pnl),
    worst,
  };
}

export function scenarioOption(scenarios: readonly ScenarioLike[]) {
  const bars = scenarioBars(scenarios);
  return {
    animation: false,
    tooltip: { trigger: 'axis' as const },
    grid: { left: 64, right: 16, top: 16, bottom: 72 },
    xAxis: { type: 'category' as const, data: bars.labels, axisLabel: { rotate: 60, fontSize: 10 } },
    yAxis: { type: 'value' as const, name: 'P&L' },
    series: [
      {
        type: 'bar' as const,
        data: bars.values.map((v, i) => ({
          value: v,
          itemStyle: { color: i === bars.worst ? '#d64545' : v < 0 ? '#e8a0a0' : '#7cc08a' },
        })),
      },
    ],
  };
}

export interface ModeFigures {
  readonly initialRequirement: number;
  readonly maintenanceRequirement: number;
}

/** Isolated / cross / portfolio requirements side by side. */
export function modesOption(modes: Readonly<Record<'isolated' | 'cross' | 'portfolio', ModeFigures>>) {
  const names = ['isolated', 'cross', 'portfolio'] as const;
  return {
    animation: false,
    tooltip: { trigger: 'axis' as const },
    legend: { top: 0, data: ['initial', 'maintenance'] },
    grid: { left: 72, right: 16, top: 36, bottom: 32 },
    xAxis: { type: 'category' as const, data: [...names] },
    yAxis: { type: 'value' as const },
    series: [
      {
        name: 'initial',
        type: 'bar' as const,
        data: names.map((n) => modes[n].initialRequirement),
        itemStyle: { color: '#2b7de9' },
      },
      {
        name: 'maintenance',
        type: 'bar' as const,
        data: names.map((n) => modes[n].maintenanceRequirement),
        itemStyle: { color: '#f0a202' },
      },
    ],
  };
}
