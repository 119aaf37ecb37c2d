/**
 * 基金监管: the fund-supervision findings (基金监管线索) of the year by rule — how many and how much —
 * and the largest findings with their institution, person, amount and dates.
 */
import type { FindingsResponse } from '../api';
import { Chart, type ChartOption } from '../Chart';
import { DashboardView, DataTable, Panel, scaled, type ViewContext } from '../dashboard';
import { formatMoney, formatPlain, moneyAxis } from '../format';
import { nameIn } from '../labels';

function rulesOption(data: FindingsResponse, view: ViewContext): ChartOption {
  const { t, lang } = view;
  const axis = moneyAxis(lang);
  const rules = [...data.rules].sort((a, b) => b.amountFen - a.amountFen);
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rules.map((r) => (r.label ? r.label[lang] : r.ruleId)), axisLabel: { rotate: 20, width: 110, overflow: 'truncate' } },
    yAxis: [
      { type: 'value', name: t('unit.findings') },
      { type: 'value', name: axis.name, splitLine: { show: false } },
    ],
    series: [
      { type: 'bar', name: t('findings.count'), data: rules.map((r) => r.count), tooltip: { valueFormatter: (v) => `${formatPlain(Number(v))} ${t('unit.findings')}` } },
      { type: 'bar', name: t('findings.amount'), yAxisIndex: 1, data: rules.map((r) => scaled(r.amountFen, axis.divisor)), tooltip: { valueFormatter: (v) => `${formatPlain(Number(v))} ${axis.name}` } },
    ],
  };
}

export function FindingsPage() {
  return (
    <DashboardView part="findings" title="findings.title" intro="findings.intro">
      {(data, view) => {
        const { t, lang } = view;
        return (
          <div className="panels">
            <Panel title={t('findings.byRule')} wide>
              <Chart testId="chart-findings-rules" option={rulesOption(data, view)} height={300} />
            </Panel>
            <Panel title={t('findings.top', { n: data.findings.length })} wide>
              <DataTable
                rows={data.findings}
                rowKey={(f) => String(f.seq)}
                rowTestId="finding-row"
                scroll
                columns={[
                  { head: '#', num: true, cell: (f) => f.seq },
                  { head: t('findings.rule'), testId: 'finding-rule', title: (f) => f.ruleId, cell: (f) => (f.ruleLabel ? f.ruleLabel[lang] : <code>{f.ruleId}</code>) },
                  { head: t('dash.institution'), cell: (f) => (f.name ? nameIn(f.name, lang) : f.institutionId === null ? '—' : (view.names.get(f.institutionId) ?? f.institutionId)) },
                  { head: t('findings.person'), cell: (f) => <code>{f.personId ?? '—'}</code> },
                  { head: t('findings.amount'), num: true, cell: (f) => formatMoney(f.amountFen, lang) },
                  { head: t('findings.dates'), cell: (f) => (f.firstDate === f.lastDate || f.lastDate === null ? (f.firstDate ?? '—') : `${f.firstDate ?? '…'} – ${f.lastDate}`) },
                ]}
              />
            </Panel>
          </div>
        );
      }}
    </DashboardView>
  );
}
