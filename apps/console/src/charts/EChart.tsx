import { useEffect, useRef } from 'react';
import { echarts } from './echarts.js';

export interface EChartProps {
  readonly option: object;
  readonly height?: number;
  readonly onClick?: (params: { dataIndex: number; seriesName?: string }) => void;
  readonly testId?: string;
}

/** One ECharts canvas; the option replaces the previous one, the chart follows its box's size. */
export function EChart({ option, height = 280, onClick, testId }: EChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) =>
      click.current?.({ dataIndex: p.dataIndex, ...(p.seriesName ? { seriesName: p.seriesName } : {}) }),
    );
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el.current);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option as Record<string, unknown>, { notMerge: true });
  }, [option]);

  return <div ref={el} style={{ width: '100%', height }} data-testid={testId} />;
}
