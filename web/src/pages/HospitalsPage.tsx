/**
 * 医院: each institution's revenue structure (drug, consumables, examination and laboratory, medical
 * service) as stacked shares, its DRG case-mix index, cost and time consumption indices, and DRG
 * group payment against the item charges of the same cases.
 */
import type { HospitalRow } from '../api';
import { Chart, type ChartOption } from '../Chart';
import { Count, DashboardView, DataTable, openTraceOf, Panel, scaled, traced, type ViewContext } from '../dashboard';
import { formatIndex, formatMoney, formatPlain, formatShare, moneyAxis } from '../format';
import { careLevel, nameIn } from '../labels';

const TOP = 15;

const total = (r: HospitalRow) => r.revenue.totalFen ?? 0;
const byRevenue = (rows: readonly HospitalRow[]) => [...rows].sort((a, b) => total(b) - total(a));
/** part ÷ total as a percentage with two decimals; '-' (no point) when either is unknown. */
const pctOf = (part: number | null, whole: number | null): number | '-' => (part === null || !whole ? '-' : Math.round((part / whole) * 10000) / 100);
const shareText = (part: number | null, whole: number | null) => (part === null || !whole ? '—' : formatShare(part / whole));

function revenueOption(rows: readonly HospitalRow[], view: ViewContext): ChartOption {
  const { t } = view;
  const { lang } = view;
  const top = byRevenue(rows.filter((r) => r.inCounty && total(r) > 0 && r.revenue.drugFen !== null)).slice(0, TOP);
  const share = (part: (r: HospitalRow) => number | null) => top.map((r) => pctOf(part(r), r.revenue.totalFen));
  const parts: Array<[string, (r: HospitalRow) => number | null]> = [
    [t('hospitals.drug'), (r) => r.revenue.drugFen],
    [t('hospitals.consumable'), (r) => r.revenue.consumableFen],
    [t('hospitals.examLab'), (r) => r.revenue.examLabFen],
    [t('hospitals.service'), (r) => r.revenue.serviceFen],
  ];
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatShare(Number(v) / 100) },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: top.map((r) => nameIn(r.name, lang)), axisLabel: { rotate: 30, width: 90, overflow: 'truncate' } },
    yAxis: { type: 'value', name: '%', max: 100, axisLabel: { formatter: '{value}%' } },
    series: parts.map(([name, part]) => ({ type: 'bar' as const, stack: 'revenue', name, data: share(part) })),
  };
}

const drgRows = (rows: readonly HospitalRow[]) => byRevenue(rows.filter((r) => r.drgCases > 0)).slice(0, TOP);

function cmiOption(rows: readonly HospitalRow[], view: ViewContext): ChartOption {
  const { t, lang } = view;
  const top = drgRows(rows);
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatIndex(Number(v)) },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: top.map((r) => nameIn(r.name, lang)), axisLabel: { rotate: 30, width: 90, overflow: 'truncate' } },
    yAxis: { type: 'value', name: t('hospitals.index') },
    series: [
      { type: 'bar', name: 'CMI', data: top.map((r) => traced(r.cmi ?? '-', r.trace?.cmi)) },
      { type: 'bar', name: t('hospitals.costIndex'), data: top.map((r) => traced(r.costIndex ?? '-', r.trace?.costIndex)) },
      {
        type: 'bar',
        name: t('hospitals.timeIndex'),
        data: top.map((r) => traced(r.timeIndex ?? '-', r.trace?.timeIndex)),
        markLine: { silent: true, symbol: 'none', data: [{ yAxis: 1 }], lineStyle: { type: 'dashed', color: '#888' }, label: { formatter: '1', position: 'insideEndTop' } },
      },
    ],
  };
}

function paymentOption(rows: readonly HospitalRow[], view: ViewContext): ChartOption {
  const { t, lang } = view;
  const axis = moneyAxis(lang);
  const top = drgRows(rows).filter((r) => r.drgPaymentFen !== null || r.drgChargesFen !== null);
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${formatPlain(Number(v))} ${axis.name}` },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: top.map((r) => nameIn(r.name, lang)), axisLabel: { rotate: 30, width: 90, overflow: 'truncate' } },
    yAxis: { type: 'value', name: axis.name },
    series: [
      { type: 'bar', name: t('hospitals.drgPayment'), data: top.map((r) => traced(r.drgPaymentFen === null ? '-' : scaled(r.drgPaymentFen, axis.divisor), r.trace?.drgPayment)) },
      { type: 'bar', name: t('hospitals.drgCharges'), data: top.map((r) => (r.drgChargesFen === null ? '-' : scaled(r.drgChargesFen, axis.divisor))) },
    ],
  };
}

const index = (n: number | null) => (n === null ? '—' : formatIndex(n));

function HospitalTable({ rows, view }: { rows: readonly HospitalRow[]; view: ViewContext }) {
  const { t, lang } = view;
  return (
    <DataTable
      rows={byRevenue(rows)}
      rowKey={(r) => r.id}
      rowTestId="hospital-row"
      columns={[
        { head: t('dash.institution'), cell: (r) => nameIn(r.name, lang) },
        { head: t('hospitals.level'), cell: (r) => (r.level === null ? '—' : careLevel(r.level, t)) },
        { head: t('hospitals.revenue'), num: true, cell: (r) => (r.revenue.totalFen === null ? '—' : formatMoney(r.revenue.totalFen, lang)) },
        { head: t('hospitals.drugShare'), num: true, cell: (r) => shareText(r.revenue.drugFen, r.revenue.totalFen) },
        { head: t('hospitals.serviceShare'), num: true, cell: (r) => shareText(r.revenue.serviceFen, r.revenue.totalFen) },
        { head: 'CMI', num: true, cell: (r) => index(r.cmi) },
        { head: t('hospitals.costIndex'), num: true, cell: (r) => index(r.costIndex) },
        { head: t('hospitals.timeIndex'), num: true, cell: (r) => index(r.timeIndex) },
        { head: t('hospitals.drgCases'), num: true, cell: (r) => <Count n={r.drgCases} unit={t('unit.cases')} /> },
        { head: t('hospitals.drgBalance'), num: true, cell: (r) => (r.drgCases > 0 && r.drgPaymentFen !== null && r.drgChargesFen !== null ? formatMoney(r.drgPaymentFen - r.drgChargesFen, lang) : '—') },
      ]}
    />
  );
}

export function HospitalsPage() {
  return (
    <DashboardView part="hospitals" title="hospitals.title" intro="hospitals.intro" byInstitution>
      {(data, view) => {
        const rows = data.institutions;
        const topNote = rows.length > TOP ? view.t('dash.topN', { n: TOP }) : undefined;
        return (
          <div className="panels">
            <Panel title={view.t('hospitals.structure')} note={topNote} wide>
              <Chart testId="chart-revenue" option={revenueOption(rows, view)} height={320} />
            </Panel>
            <Panel title={view.t('hospitals.indices')} note={view.t('hospitals.indicesNote')}>
              <Chart testId="chart-cmi" option={cmiOption(rows, view)} height={300} onClick={openTraceOf(view)} clickable={rows.some((r) => r.trace?.cmi)} />
            </Panel>
            <Panel title={view.t('hospitals.payment')}>
              <Chart testId="chart-drg-payment" option={paymentOption(rows, view)} height={300} onClick={openTraceOf(view)} clickable={rows.some((r) => r.trace?.drgPayment)} />
            </Panel>
            <Panel title={view.t('hospitals.table')} wide>
              <HospitalTable rows={rows} view={view} />
            </Panel>
          </div>
        );
      }}
    </DashboardView>
  );
}
