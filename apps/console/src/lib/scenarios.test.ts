import { describe, expect, it } from 'vitest';
import { scenarioBars, scenarioOption } from './scenarios.js';

describe('scenarioBars', () => {
  it('keeps the engine order and marks the lowest P&L as the worst', () => {
    const bars = scenarioBars([
      { spotShock: -0.1, vol: 'up', pnl: -50 },
      { spotShock: 0, vol: 'none', pnl: 0 },
      { spotShock: 0.1, vol: 'down', pnl: -80 },
    ]);
    expect(bars).toEqual({ labels: ['-10% up', '+0% none', '+10% down'], values: [-50, 0, -80], worst: 2 });
    const colors = scenarioOption([
      { spotShock: -0.1, vol: 'up', pnl: -50 },
      { spotShock: 0.1, vol: 'down', pnl: -80 },
    ]).series[0]?.data.map((d) => d.itemStyle.color);
    expect(colors).toEqual(['#e8a0a0', '#d64545']);
  });
  it('has no worst scenario when there are none', () => {
    expect(scenarioBars([]).worst).toBe(-1);
  });
});
