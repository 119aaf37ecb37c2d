/**
 * 带量采购: the completion of the agreed volumes against time progress month by month, the savings by
 * product, and each product's completion with its alert (behind time progress).
 */
import type { ProcurementResponse } from '../api';
import { Chart, type ChartOption } from '../Chart';
import { Count, DashboardView, DataTable, FigureCards, openTraceOf, Panel, scaled, traced, type ViewContext } from '../dashboard';
import { formatMoney, formatPlain, formatShare, moneyAxis } from '../format';
import { nameIn } from '../labels';

const TOP = 15;

function completionOption(data: ProcurementResponse, view: ViewContext): ChartOption {
  const { t } = view;
  const pct = (r: number | null) => (r === null ? '-' : Math.round(r * 10000) / 100);
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatShare(Number(v) / 100) },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: data.months.map((m) => String(m.month)) },
    yAxis: { type: 'value', name: '%', axisLabel: { formatter: '{value}%' } },
    series: [
      { type: 'line', name: t('procurement.completion'), data: data.months.map((m) => pct(m.completion)), symbolSize: 6 },
      { type: 'line', name: t('procurement.timeProgress'), data: data.months.map((m) => pct(m.timeProgress)), lineStyle: { type: 'dashed' }, symbolSize: 4 },
    ],
  };
}

function savingsOption(data: ProcurementResponse, view: ViewContext): ChartOption {
  const axis = moneyAxis(view.lang);
  const top = [...data.products].sort((a, b) => b.savingFen - a.savingFen).slice(0, TOP).reverse();
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${formatPlain(Number(v))} ${axis.name}` },
    grid: { left: 8, right: 24, top: 16, bottom: 28, containLabel: true },
    xAxis: { type: 'value', name: axis.name, nameLocation: 'middle', nameGap: 24 },
    yAxis: { type: 'category', data: top.map((p) => nameIn(p.name, view.lang)), axisLabel: { width: 150, overflow: 'truncate', interval: 0, fontSize: 11 } },
    series: [{ type: 'bar', name: view.t('procurement.saving'), data: top.map((p) => traced(scaled(p.savingFen, axis.divisor), p.trace)) }],
  };
}

function ProductTable({ data, view }: { data: ProcurementResponse; view: ViewContext }) {
  const { t, lang } = view;
  return (
    <DataTable
      rows={data.products}
      rowKey={(p) => `${p.batch}|${p.id}`}
      rowClass={(p) => (p.alert ? 'row-alert' : undefined)}
      columns={[
        { head: t('procurement.product'), cell: (p) => nameIn(p.name, lang) },
        { head: t('procurement.batch'), cell: (p) => p.batch },
        { head: t('procurement.agreed'), num: true, cell: (p) => <Count n={p.agreedQty} unit={t('unit.minUnits')} /> },
        { head: t('procurement.purchased'), num: true, cell: (p) => <Count n={p.purchasedQty} unit={t('unit.minUnits')} /> },
        { head: t('procurement.completion'), num: true, cell: (p) => (p.completion === null ? '—' : formatShare(p.completion)) },
        { head: t('procurement.timeProgress'), num: true, cell: (p) => (p.timeProgress === null ? '—' : formatShare(p.timeProgress)) },
        { head: t('procurement.saving'), num: true, cell: (p) => formatMoney(p.savingFen, lang) },
        { head: t('procurement.alert'), cell: (p) => (p.alert ? <span className="badge badge-alert">{p.alerts ? t('procurement.behindN', { n: p.alerts }) : t('procurement.behind')}</span> : null) },
      ]}
    />
  );
}

export function ProcurementPage() {
  return (
    <DashboardView part="procurement" title="procurement.title" intro="procurement.intro" byInstitution>
      {(data, view) => (
        <>
          <FigureCards figures={data.figures} view={view} />
          <div className="panels">
            <Panel title={view.t('procurement.progress')}>
              <Chart testId="chart-completion" option={completionOption(data, view)} />
            </Panel>
            <Panel title={view.t('procurement.savings')} note={data.products.length > TOP ? view.t('dash.topN', { n: TOP }) : undefined}>
              <Chart testId="chart-savings" option={savingsOption(data, view)} onClick={openTraceOf(view)} clickable={data.products.some((p) => p.trace)} />
            </Panel>
            <Panel title={view.t('procurement.products')} wide>
              <ProductTable data={data} view={view} />
            </Panel>
          </div>
        </>
      )}
    </DashboardView>
  );
}
