import { describe, expect, it } from 'vitest';
import { binLabel, histogramOption, histogramView } from './histogram.js';

const dto = {
  metric: 'marginRatio' as const,
  edges: [0, 0.5, 1],
  series: [
    { mode: 'isolated' as const, counts: [1, 2], overflow: 3 },
    { mode: 'portfolio' as const, counts: [4, 0], overflow: 1 },
  ],
  accounts: 6,
};

describe('histogram view', () => {
  it('one category per bin plus the overflow, one overlaid series per mode', () => {
    const v = histogramView(dto);
    expect(v.labels).toEqual(['0.00–0.50', '0.50–1.00', 'no equity / above']);
    expect(v.series).toEqual([
      { mode: 'isolated', counts: [1, 2, 3] },
      { mode: 'portfolio', counts: [4, 0, 1] },
    ]);
    const option = histogramOption(dto);
    expect(option.series.map((s) => [s.name, s.barGap])).toEqual([
      ['isolated', '-100%'],
      ['portfolio', '-100%'],
    ]);
  });
  it('labels money metrics without decimals', () => {
    expect(binLabel([-1500, 0, 1500], 0, 'maintenanceExcess')).toBe('-1500–0');
    expect(binLabel([-1500, 0, 1500], 2, 'equity')).toBe('outside');
  });
});
