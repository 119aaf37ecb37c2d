/**
 * 薪酬: the salary budget of each institution (from its medical-service revenue) against the pay
 * distributed, and the histogram of staff pay.
 */
import type { SalaryResponse } from '../api';
import { Chart, type ChartOption } from '../Chart';
import { Count, DashboardView, DataTable, FigureCards, openTraceOf, Panel, scaled, type ViewContext } from '../dashboard';
import { careLevel, nameIn } from '../labels';
import { formatMoney, formatPlain, moneyAxis } from '../format';

const TOP = 15;

function budgetOption(data: SalaryResponse, view: ViewContext): ChartOption {
  const { t, lang } = view;
  const axis = moneyAxis(lang);
  const top = [...data.institutions].sort((a, b) => b.budgetFen - a.budgetFen).slice(0, TOP);
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${formatPlain(Number(v))} ${axis.name}` },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: top.map((r) => nameIn(r.name, lang)), axisLabel: { rotate: 30, width: 90, overflow: 'truncate' } },
    yAxis: { type: 'value', name: axis.name },
    series: [
      { type: 'bar', name: t('salary.budget'), data: top.map((r) => ({ value: scaled(r.budgetFen, axis.divisor), ...(r.trace?.budget ? { trace: r.trace.budget } : {}) })) },
      { type: 'bar', name: t('salary.paid'), data: top.map((r) => ({ value: scaled(r.paidFen, axis.divisor), ...(r.trace?.distribution ? { trace: r.trace.distribution } : {}) })) },
      { type: 'bar', name: t('salary.msr'), data: top.map((r) => scaled(r.msrFen, axis.divisor)) },
    ],
  };
}

/** ¥ in thousands (en) or 万元 (zh) for histogram bucket labels. */
function bucketLabel(fromFen: number, toFen: number, view: ViewContext): string {
  const axis = moneyAxis(view.lang);
  return `${formatPlain(fromFen / axis.divisor)}–${formatPlain(toFen / axis.divisor)}`;
}

function distributionOption(data: SalaryResponse, view: ViewContext): ChartOption {
  const axis = moneyAxis(view.lang);
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${formatPlain(Number(v))} ${view.t('unit.persons')}` },
    grid: { left: 8, right: 40, top: 28, bottom: 8, containLabel: true },
    xAxis: { type: 'category', name: axis.name, data: data.distribution.map((b) => bucketLabel(b.fromFen, b.toFen, view)), axisLabel: { rotate: 30 } },
    yAxis: { type: 'value', name: view.t('unit.persons') },
    series: [{ type: 'bar', name: view.t('salary.staff'), barCategoryGap: '4%', data: data.distribution.map((b) => b.count) }],
  };
}

export function SalaryPage() {
  return (
    <DashboardView part="salary" title="salary.title" intro="salary.intro" byInstitution>
      {(data, view) => {
        const { t, lang } = view;
        return (
          <>
            <FigureCards figures={data.figures} view={view} />
            <div className="panels">
              <Panel title={t('salary.budgets')} note={data.institutions.length > TOP ? t('dash.topN', { n: TOP }) : undefined}>
                <Chart testId="chart-salary-budget" option={budgetOption(data, view)} height={300} onClick={openTraceOf(view)} clickable />
              </Panel>
              <Panel title={t('salary.distribution')}>
                <Chart testId="chart-salary-distribution" option={distributionOption(data, view)} height={300} />
              </Panel>
              <Panel title={t('salary.table')} wide>
                <DataTable
                  rows={data.institutions}
                  rowKey={(r) => r.id}
                  columns={[
                    { head: t('dash.institution'), cell: (r) => nameIn(r.name, lang) },
                    { head: t('salary.tier'), cell: (r) => careLevel(r.tier, t) },
                    { head: t('salary.msr'), num: true, cell: (r) => formatMoney(r.msrFen, lang) },
                    { head: t('salary.budget'), num: true, cell: (r) => formatMoney(r.budgetFen, lang) },
                    { head: t('salary.paid'), num: true, cell: (r) => formatMoney(r.paidFen, lang) },
                    { head: t('salary.staff'), num: true, cell: (r) => <Count n={r.staff} unit={t('unit.persons')} /> },
                    { head: t('salary.leaders'), num: true, cell: (r) => formatMoney(r.leadersFen, lang) },
                  ]}
                />
              </Panel>
            </div>
          </>
        );
      }}
    </DashboardView>
  );
}
