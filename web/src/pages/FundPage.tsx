/**
 * 基金: the county package budget against spending month by month with the cumulative surplus, where
 * the fund's money went (in county, out of county, designated pharmacies), and the out-of-county flow
 * by institution.
 */
import { Chart, type ChartOption } from '../Chart';
import { Count, DashboardView, DataTable, FigureCards, openTraceOf, Panel, scaled, traced, type ViewContext } from '../dashboard';
import { formatMoney, formatPlain, moneyAxis } from '../format';
import { nameIn } from '../labels';
import type { FundResponse } from '../api';

const TOP = 15;

function monthsOption(data: FundResponse, view: ViewContext): ChartOption {
  const { t, lang } = view;
  const axis = moneyAxis(lang);
  const m = data.months;
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${formatPlain(Number(v))} ${axis.name}` },
    legend: { top: 0 },
    grid: { left: 64, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: m.map((r) => String(r.month)) },
    yAxis: { type: 'value', name: axis.name },
    series: [
      { type: 'bar', name: t('fund.budget'), data: m.map((r) => traced(scaled(r.budgetFen, axis.divisor), r.trace?.budget)) },
      { type: 'bar', name: t('fund.charged'), data: m.map((r) => traced(scaled(r.chargedFen, axis.divisor), r.trace?.charged)) },
      { type: 'line', name: t('fund.cumulative'), data: m.map((r) => traced(scaled(r.cumulativeBalanceFen, axis.divisor), r.trace?.balance)), symbolSize: 6 },
    ],
  };
}

function flowOption(data: FundResponse, view: ViewContext): ChartOption {
  const { t, lang } = view;
  const axis = moneyAxis(lang);
  const m = data.months;
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${formatPlain(Number(v))} ${axis.name}` },
    legend: { top: 0 },
    grid: { left: 64, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: m.map((r) => String(r.month)) },
    yAxis: { type: 'value', name: axis.name },
    series: [
      { type: 'bar', stack: 'flow', name: t('fund.inCounty'), data: m.map((r) => scaled(r.inCountyFen, axis.divisor)) },
      { type: 'bar', stack: 'flow', name: t('fund.outOfCounty'), data: m.map((r) => scaled(r.outOfCountyFen, axis.divisor)) },
      { type: 'bar', stack: 'flow', name: t('fund.pharmacy'), data: m.map((r) => scaled(r.pharmacyFen, axis.divisor)) },
    ],
  };
}

function outOption(data: FundResponse, view: ViewContext): ChartOption {
  const { lang } = view;
  const axis = moneyAxis(lang);
  const rows = [...data.outOfCounty].sort((a, b) => b.fundFen - a.fundFen).slice(0, TOP).reverse();
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${formatPlain(Number(v))} ${axis.name}` },
    grid: { left: 8, right: 24, top: 16, bottom: 28, containLabel: true },
    xAxis: { type: 'value', name: axis.name, nameLocation: 'middle', nameGap: 24 },
    yAxis: { type: 'category', data: rows.map((r) => nameIn(r.name, lang)), axisLabel: { width: 140, overflow: 'truncate', interval: 0, fontSize: 11 } },
    series: [{ type: 'bar', name: view.t('fund.outFund'), data: rows.map((r) => scaled(r.fundFen, axis.divisor)) }],
  };
}

export function FundPage() {
  return (
    <DashboardView part="fund" title="fund.title" intro="fund.intro">
      {(data, view) => (
        <>
          <FigureCards figures={data.figures} view={view} />
          <div className="panels">
            <Panel title={view.t('fund.months')} wide>
              <Chart testId="chart-fund-months" option={monthsOption(data, view)} height={300} onClick={openTraceOf(view)} clickable={data.months.some((m) => m.trace?.budget ?? m.trace?.charged)} />
            </Panel>
            <Panel title={view.t('fund.flow')}>
              <Chart testId="chart-fund-flow" option={flowOption(data, view)} />
            </Panel>
            <Panel title={view.t('fund.out')} note={data.outOfCounty.length > TOP ? view.t('dash.topN', { n: TOP }) : undefined}>
              <Chart testId="chart-fund-out" option={outOption(data, view)} />
            </Panel>
            <Panel title={view.t('fund.outTable')} wide>
              <DataTable
                rows={data.outOfCounty}
                rowKey={(r) => r.institutionId}
                columns={[
                  { head: view.t('dash.institution'), cell: (r) => nameIn(r.name, view.lang) },
                  { head: view.t('fund.outFund'), num: true, cell: (r) => formatMoney(r.fundFen, view.lang) },
                  { head: view.t('fund.cases'), num: true, cell: (r) => <Count n={r.cases} unit={view.t('unit.cases')} /> },
                ]}
              />
            </Panel>
          </div>
        </>
      )}
    </DashboardView>
  );
}
