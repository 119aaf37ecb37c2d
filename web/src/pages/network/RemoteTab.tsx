/**
 * Remote care of a year: the turnaround of remote requests by kind (median and 90th percentile in
 * hours, the share reported within the limit), and the outreach and studio sessions at the county
 * hospital month by month next to the out-of-county admissions (side by side, not a causal claim).
 */
import { networkApi, type RemoteResponse, type Trace, type TurnaroundRow } from '../../api';
import { Chart, type ChartOption } from '../../Chart';
import { Count, DataTable, FigureCards, Panel, type ViewContext } from '../../dashboard';
import { formatIndex, formatPlain, formatShare } from '../../format';
import { useApi } from '../../useApi';
import { NetworkLoaded, type NetworkContext } from './shared';
import { coded, counted, figure } from './codes';

const hours = (h: number | null) => (h === null ? '-' : Math.round(h * 10) / 10);

/** The kinds with their turnaround (the answer's `byKind`, or its top-level kinds). */
function kinds(d: RemoteResponse): Array<[string, TurnaroundRow]> {
  if (d.turnaround.byKind) return Object.entries(d.turnaround.byKind);
  return Object.entries(d.turnaround).filter((e): e is [string, TurnaroundRow] => e[0] !== 'all' && e[0] !== 'trace' && typeof e[1] === 'object' && e[1] !== null && 'requests' in e[1]);
}

function turnaroundOption(d: RemoteResponse, view: ViewContext): ChartOption {
  const { t } = view;
  const rows = kinds(d);
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${formatPlain(Number(v))} ${t('unit.hours')}` },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map(([k]) => coded('network.remote.kind', k, t)) },
    yAxis: { type: 'value', name: t('unit.hours') },
    series: [
      { type: 'bar', name: t('network.remote.median'), data: rows.map(([, r]) => hours(r.medianHours)) },
      { type: 'bar', name: t('network.remote.p90'), data: rows.map(([, r]) => hours(r.p90Hours)) },
    ],
  };
}

function seriesOption(d: RemoteResponse, view: ViewContext): ChartOption {
  const { t } = view;
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: d.series.map((m) => m.month) },
    yAxis: [
      { type: 'value', name: t('unit.sessions'), minInterval: 1 },
      { type: 'value', name: t('unit.admissions'), minInterval: 1, splitLine: { show: false } },
    ],
    series: [
      { type: 'bar', name: t('network.remote.sessions'), data: d.series.map((m) => m.sessions), tooltip: { valueFormatter: (v) => `${formatPlain(Number(v))} ${t('unit.sessions')}` } },
      { type: 'line', name: t('network.remote.outOfCounty'), yAxisIndex: 1, data: d.series.map((m) => m.outOfCountyAdmissions), symbolSize: 6, tooltip: { valueFormatter: (v) => `${formatPlain(Number(v))} ${t('unit.admissions')}` } },
    ],
  };
}

/** Hours in a table cell (two decimals), a dash when there are none. */
function Hours({ h, unit }: { h: number | null; unit: string }) {
  return (
    <>
      {h === null ? '—' : formatIndex(h)}
      <span className="unit">{unit}</span>
    </>
  );
}

export function RemoteTab({ ctx, register }: { ctx: NetworkContext; register: (id: string, trace: Trace | undefined) => string | undefined }) {
  const { jurisdiction, year, view } = ctx;
  const { t } = view;
  const data = useApi(`remote|${jurisdiction}|${year}`, () => networkApi.remote(jurisdiction, year));
  return (
    <NetworkLoaded data={data}>
      {(d) => {
        const all = d.turnaround.all;
        const trace = register('remote.turnaround', d.turnaround.trace);
        const within = (r: TurnaroundRow) => r.withinLimit ?? r.onTime;
        const figures = [
          counted('sessions', 'network.remote.sessionsTotal', d.sessions.total, 'sessions'),
          ...(all
            ? [
                counted('requests', 'network.remote.requests', all.requests, 'requests', trace),
                figure('median', 'network.remote.median', all.medianHours === null ? null : Math.round(all.medianHours * 10) / 10, 'hours', trace),
                figure('p90', 'network.remote.p90', all.p90Hours === null ? null : Math.round(all.p90Hours * 10) / 10, 'hours', trace),
                figure('within_limit', 'network.remote.withinLimit', within(all)?.value, 'ratio', trace),
              ]
            : []),
        ];
        const rows = kinds(d);
        return (
          <>
            <FigureCards figures={figures} view={view} />
            <p className="muted hint">{t('network.synthetic')}</p>
            <div className="panels">
              <Panel title={t('network.remote.turnaround')}>
                <Chart testId="chart-remote-turnaround" option={turnaroundOption(d, view)} />
              </Panel>
              <Panel title={t('network.remote.series')} note={t('network.remote.notCausal')}>
                <Chart testId="chart-remote-series" option={seriesOption(d, view)} />
              </Panel>
              <Panel title={t('network.remote.turnaround')} wide>
                <DataTable
                  rows={rows}
                  rowKey={([k]) => k}
                  rowTestId="remote-row"
                  columns={[
                    { head: t('network.remote.kind'), cell: ([k]) => coded('network.remote.kind', k, t) },
                    { head: t('network.remote.requests'), num: true, cell: ([, r]) => <Count n={r.requests} unit={t('unit.requests')} /> },
                    { head: t('network.remote.reported'), num: true, cell: ([, r]) => <Count n={r.reported} unit={t('unit.requests')} /> },
                    { head: t('network.remote.median'), num: true, cell: ([, r]) => <Hours h={r.medianHours} unit={t('unit.hours')} /> },
                    { head: t('network.remote.p90'), num: true, cell: ([, r]) => <Hours h={r.p90Hours} unit={t('unit.hours')} /> },
                    {
                      head: t('network.remote.withinLimit'),
                      num: true,
                      cell: ([, r]) => {
                        const w = within(r);
                        return w?.value === null || w?.value === undefined ? '—' : `${formatShare(w.value)} (${formatPlain(w.numerator)}/${formatPlain(w.denominator)})`;
                      },
                    },
                  ]}
                />
              </Panel>
            </div>
          </>
        );
      }}
    </NetworkLoaded>
  );
}
