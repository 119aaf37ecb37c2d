/**
 * One ECharts chart: inits on its container, sets the option, follows the container's size and
 * disposes on unmount. Only the chart types and components the pages use are registered, so the
 * bundle carries no more of ECharts than that.
 *
 * The container carries `data-testid` and `data-points` (the number of data points in the option's
 * series), so a test can see that a chart has data without reading the canvas. A chart with no points
 * is not drawn: the empty message shows instead.
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, SankeyChart, type BarSeriesOption, type LineSeriesOption, type SankeySeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type MarkLineComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useLang } from './lang';

echarts.use([BarChart, LineChart, SankeyChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

export type ChartOption = echarts.ComposeOption<
  BarSeriesOption | LineSeriesOption | SankeySeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption | MarkLineComponentOption
>;

/** What a click on a data item reports: the series' and the item's own fields. */
export interface ChartClick {
  seriesIndex: number;
  dataIndex: number;
  data: unknown;
}

/** The number of data points over every series of the option. */
export function countPoints(option: ChartOption): number {
  const series = option.series === undefined ? [] : Array.isArray(option.series) ? option.series : [option.series];
  let n = 0;
  for (const s of series) {
    const links = (s as { links?: unknown }).links;
    const data = Array.isArray(links) ? links : (s as { data?: unknown }).data;
    if (Array.isArray(data)) n += data.filter((d) => d !== null && d !== undefined && d !== '-').length;
  }
  return n;
}

export function Chart({
  option,
  testId,
  height = 280,
  onClick,
  clickable,
}: {
  option: ChartOption;
  testId: string;
  height?: number;
  onClick?: (click: ChartClick) => void;
  /** The hint under the chart that its items open traces. */
  clickable?: boolean;
}) {
  const { t } = useLang();
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  const points = countPoints(option);
  const hasData = points > 0;

  useEffect(() => {
    const el = ref.current;
    if (!el || !hasData) return;
    const instance = echarts.init(el, null, { renderer: 'canvas' });
    chart.current = instance;
    instance.on('click', (p) => {
      const e = p as unknown as ChartClick;
      clickRef.current?.({ seriesIndex: e.seriesIndex, dataIndex: e.dataIndex, data: e.data });
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [hasData]);

  useEffect(() => {
    // Short animations: a page of charts settles quickly, also after a resize.
    chart.current?.setOption({ animationDuration: 300, animationDurationUpdate: 200, ...option }, { notMerge: true });
  }, [option, hasData]);

  if (!hasData) {
    return (
      <div className="chart chart-empty" data-testid={testId} data-points={0} style={{ height }}>
        {t('dash.noData')}
      </div>
    );
  }
  return (
    <div className="chart-box">
      <div ref={ref} className={onClick ? 'chart clickable' : 'chart'} data-testid={testId} data-points={points} style={{ height }} />
      {clickable && <p className="chart-hint muted">{t('dash.clickHint')}</p>}
    </div>
  );
}
