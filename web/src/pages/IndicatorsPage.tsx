/**
 * 指标: the monitoring indicators of the county-year (numerator × factor / denominator) against their
 * targets — met or not — their trend across years, and the assessment score with its items. Every
 * indicator and the score open their traces.
 */
import type { IndicatorRow, IndicatorsResponse } from '../api';
import { Chart, type ChartOption } from '../Chart';
import { DashboardView, DataTable, openTraceOf, Panel, withQuery, type ViewContext } from '../dashboard';
import { formatFen, formatFigure, formatPlain } from '../format';
import { directionOf, knownUnit } from '../labels';
import type { Lang } from '../i18n';
import type { Translate } from '../lang';
import { navigate, useLocation } from '../router';

/** An indicator's value in its unit: the value is already × factor (a percentage when factor is 100). */
export function formatIndicator(value: number | null, unit: string | null, factor: number | null, t: Translate, lang: Lang): string {
  if (value === null) return '—';
  if (unit === '%' || unit === 'percent' || (unit === 'ratio' && factor === 100)) return `${formatPlain(value)}%`;
  if (unit === '‰' || unit === 'permille' || (unit === 'per_1000' && factor === 1000)) return `${formatPlain(value)}‰`;
  if (unit === 'fen_per_capita') return `${formatFen(Math.round(value))}${t('unit.perPerson')}`;
  if (unit === null) return formatPlain(value);
  const known = knownUnit(unit);
  if (known) {
    const f = formatFigure(value, known, t, lang);
    return f.unit ? `${f.text} ${f.unit}` : f.text;
  }
  return `${formatPlain(value)} ${unit}`;
}

/** How far the actual value reaches a single target, as a percentage (100 = on target), by direction. */
function attainment(r: IndicatorRow): number | null {
  if (r.value === null || typeof r.target !== 'number' || r.target === 0) return null;
  const dir = directionOf(r.direction);
  if (dir === 'none') return null;
  if (dir === 'lower') return r.value <= 0 ? null : Math.round((r.target / r.value) * 10000) / 100;
  return Math.round((r.value / r.target) * 10000) / 100;
}

/** The target as text: "≥ 90%", "≤ 10%" or a range "0%–10%". */
function targetText(r: IndicatorRow, t: Translate, lang: Lang): string {
  const f = (v: number) => formatIndicator(v, r.unit, r.factor, t, lang);
  if (r.target === null) return '—';
  if (typeof r.target === 'number') {
    const arrow = { higher: '≥ ', lower: '≤ ', none: '' }[directionOf(r.direction)];
    return `${arrow}${f(r.target)}`;
  }
  const { min, max } = r.target;
  if (min !== undefined && max !== undefined) return `${f(min)} – ${f(max)}`;
  if (min !== undefined) return `≥ ${f(min)}`;
  if (max !== undefined) return `≤ ${f(max)}`;
  return '—';
}

/** The target lines of a trend chart: one for a single target, two for a range. */
function targetLines(r: IndicatorRow): number[] {
  if (r.target === null) return [];
  if (typeof r.target === 'number') return [r.target];
  return [r.target.min, r.target.max].filter((v): v is number => v !== undefined);
}

function attainmentOption(rows: readonly IndicatorRow[], view: ViewContext): ChartOption {
  const { lang, t } = view;
  const scored = rows.map((r) => ({ r, a: attainment(r) })).filter((x): x is { r: IndicatorRow; a: number } => x.a !== null).reverse();
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${formatPlain(Number(v))}%` },
    grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: scored.map((x) => x.r.label[lang]), axisLabel: { width: 170, overflow: 'truncate', interval: 0 } },
    series: [
      {
        type: 'bar',
        name: t('indicators.attainment'),
        data: scored.map(({ r, a }) => ({ value: a, ...(r.trace ? { trace: r.trace } : {}), itemStyle: { color: r.met === false ? '#c2410c' : '#2f7d4f' } })),
        markLine: { silent: true, symbol: 'none', data: [{ xAxis: 100 }], lineStyle: { type: 'dashed', color: '#555' }, label: { show: false } },
      },
    ],
  };
}

function trendOption(r: IndicatorRow, view: ViewContext): ChartOption {
  const { t, lang } = view;
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatIndicator(Number(v), r.unit, r.factor, t, lang) },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: r.trend.map((p) => String(p.year)) },
    yAxis: { type: 'value', scale: true },
    series: [
      {
        type: 'line',
        name: r.label[lang],
        data: r.trend.map((p) => p.value ?? '-'),
        symbolSize: 8,
        ...(targetLines(r).length > 0
          ? { markLine: { silent: true, symbol: 'none', data: targetLines(r).map((y) => ({ yAxis: y })), lineStyle: { type: 'dashed', color: '#c2410c' }, label: { formatter: (p: { value?: unknown }) => `${t('indicators.target')} ${formatIndicator(Number(p.value), r.unit, r.factor, t, lang)}`, position: 'insideEndTop' } } }
          : {}),
      },
    ],
  };
}

function Trend({ rows, view }: { rows: readonly IndicatorRow[]; view: ViewContext }) {
  const { pathname, search } = useLocation();
  const { t, lang } = view;
  const withTrend = rows.filter((r) => r.trend.some((p) => p.value !== null));
  const chosen = withTrend.find((r) => r.id === search.get('indicator')) ?? withTrend[0];
  return (
    <Panel title={t('indicators.trend')}>
      {chosen === undefined ? (
        <Chart testId="chart-indicator-trend" option={{ series: [] }} />
      ) : (
        <>
          <select className="inline-select" value={chosen.id} data-testid="indicator-select" onChange={(e) => navigate(withQuery(pathname, search, { indicator: e.target.value }), { replace: true })}>
            {withTrend.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label[lang]}
              </option>
            ))}
          </select>
          <Chart testId="chart-indicator-trend" option={trendOption(chosen, view)} height={260} />
        </>
      )}
    </Panel>
  );
}

function Met({ met, t }: { met: boolean | null; t: Translate }) {
  if (met === null) return <span className="muted">—</span>;
  return <span className={met ? 'badge badge-met' : 'badge badge-unmet'}>{t(met ? 'indicators.met' : 'indicators.unmet')}</span>;
}

function IndicatorTable({ rows, view }: { rows: readonly IndicatorRow[]; view: ViewContext }) {
  const { t, lang } = view;
  return (
    <DataTable
      rows={rows}
      rowKey={(r) => r.id}
      rowTestId="indicator-row"
      columns={[
        {
          head: t('indicators.indicator'),
          cell: (r) => (
            <>
              {r.trace ? (
                <button type="button" className="link-button row-link" data-testid="indicator-trace" onClick={() => r.trace && view.openTrace(r.trace)}>
                  {r.label[lang]}
                </button>
              ) : (
                r.label[lang]
              )}
              {r.reason && <div className="muted step-note">{r.reason}</div>}
            </>
          ),
        },
        { head: t('indicators.set'), cell: (r) => r.set ?? '—' },
        { head: t('indicators.actual'), num: true, cell: (r) => formatIndicator(r.value, r.unit, r.factor, t, lang) },
        { head: t('indicators.target'), num: true, cell: (r) => targetText(r, t, lang) },
        { head: t('indicators.status'), cell: (r) => <Met met={r.met} t={t} /> },
        { head: t('indicators.fraction'), num: true, className: () => 'muted', cell: (r) => (r.numerator !== null && r.denominator !== null ? `${formatPlain(r.numerator)} / ${formatPlain(r.denominator)}` : '—') },
      ]}
    />
  );
}

function assessmentOption(data: IndicatorsResponse, view: ViewContext): ChartOption {
  const { t, lang } = view;
  const label = new Map(data.indicators.map((r) => [r.id, r.label[lang]]));
  const trace = new Map(data.indicators.map((r) => [r.id, r.trace]));
  const items = data.assessment?.items ?? [];
  const withTrace = (id: string, value: number) => {
    const tr = trace.get(id) ?? data.assessment?.trace;
    return tr ? { value, trace: tr } : { value };
  };
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${formatPlain(Number(v))} ${t('unit.points')}` },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: items.map((i) => label.get(i.indicator) ?? i.indicator), axisLabel: { rotate: 30, width: 100, overflow: 'truncate' } },
    yAxis: { type: 'value', name: t('unit.points') },
    series: [
      { type: 'bar', name: t('indicators.weight'), data: items.map((i) => withTrace(i.indicator, i.weight)) },
      { type: 'bar', name: t('indicators.points'), data: items.map((i) => withTrace(i.indicator, i.points)) },
    ],
  };
}

export function IndicatorsPage() {
  return (
    <DashboardView part="indicators" title="indicators.title" intro="indicators.intro" byInstitution>
      {(data, view) => {
        const { t } = view;
        const rows = data.indicators;
        const met = rows.filter((r) => r.met === true).length;
        const judged = rows.filter((r) => r.met !== null).length;
        const score = data.assessment?.score ?? null;
        const scoreTrace = data.assessment?.trace;
        return (
          <>
            <div className="figures" data-testid="figures">
              <button
                type="button"
                className={scoreTrace ? 'figure traced' : 'figure'}
                data-testid="figure"
                data-figure="assessment_score"
                disabled={!scoreTrace}
                onClick={() => scoreTrace && view.openTrace(scoreTrace)}
              >
                <span className="figure-label">{t('indicators.score')}</span>
                <span className="figure-value">
                  <span className="value">
                    {score === null ? '—' : formatPlain(score)}
                    <span className="unit">{t('unit.points')}</span>
                  </span>
                </span>
              </button>
              <div className="figure" data-testid="figure" data-figure="indicators_met">
                <span className="figure-label">{t('indicators.metCount')}</span>
                <span className="figure-value">
                  <span className="value">
                    {met} / {judged}
                    <span className="unit">{t('unit.indicators')}</span>
                  </span>
                </span>
              </div>
            </div>
            <div className="panels">
              <Panel title={t('indicators.attainmentTitle')} note={t('indicators.attainmentNote')}>
                <Chart testId="chart-attainment" option={attainmentOption(rows, view)} height={Math.max(260, 22 * rows.length + 60)} onClick={openTraceOf(view)} clickable />
              </Panel>
              <Trend rows={rows} view={view} />
              <Panel title={t('indicators.table')} wide>
                <IndicatorTable rows={rows} view={view} />
              </Panel>
              <Panel title={t('indicators.assessment')} wide>
                <Chart testId="chart-assessment" option={assessmentOption(data, view)} height={300} onClick={openTraceOf(view)} clickable />
              </Panel>
            </div>
          </>
        );
      }}
    </DashboardView>
  );
}
