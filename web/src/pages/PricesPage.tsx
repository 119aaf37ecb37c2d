/**
 * 价格: the service-price adjustment proposal — each item's old and new price and its change — and its
 * impact per institution (revenue, fund, patients).
 */
import type { PricesResponse } from '../api';
import { Chart, type ChartOption } from '../Chart';
import { DashboardView, DataTable, FigureCards, openTraceOf, Panel, scaled, traced, type ViewContext } from '../dashboard';
import { formatFen, formatMoney, formatPlain, formatShare, moneyAxis } from '../format';
import { careLevel, nameIn, serviceCategory } from '../labels';

const TOP = 20;

function itemsOption(data: PricesResponse, view: ViewContext): ChartOption {
  const { lang } = view;
  // The items that move revenue most (their change × volume), else the largest changes.
  const weight = (i: PricesResponse['items'][number]) => Math.abs(i.revenueChangeFen ?? i.changeRate ?? 0);
  const top = [...data.items].filter((i) => i.changeRate !== null).sort((a, b) => weight(b) - weight(a)).slice(0, TOP).reverse();
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatShare(Number(v) / 100) },
    grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', data: top.map((i) => `${nameIn(i.name, lang)} · ${careLevel(i.level, view.t)}`), axisLabel: { width: 170, overflow: 'truncate', interval: 0, fontSize: 11 } },
    series: [
      {
        type: 'bar',
        name: view.t('prices.changeRate'),
        data: top.map((i) => {
          const rate = i.changeRate ?? 0;
          return { value: Math.round(rate * 10000) / 100, itemStyle: { color: rate >= 0 ? '#c2410c' : '#2f7d4f' }, ...(i.trace ? { trace: i.trace } : {}) };
        }),
      },
    ],
  };
}

function impactOption(data: PricesResponse, view: ViewContext): ChartOption {
  const { t, lang } = view;
  const axis = moneyAxis(lang);
  const top = [...data.impact].sort((a, b) => Math.abs(b.revenueChangeFen) - Math.abs(a.revenueChangeFen)).slice(0, 15);
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${formatPlain(Number(v))} ${axis.name}` },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: top.map((r) => nameIn(r.name, lang)), axisLabel: { rotate: 30, width: 90, overflow: 'truncate' } },
    yAxis: { type: 'value', name: axis.name },
    series: [
      { type: 'bar', name: t('prices.revenueChange'), data: top.map((r) => traced(scaled(r.revenueChangeFen, axis.divisor), r.trace)) },
      { type: 'bar', name: t('prices.fundChange'), data: top.map((r) => traced(scaled(r.fundChangeFen, axis.divisor), r.trace)) },
      { type: 'bar', name: t('prices.patientChange'), data: top.map((r) => traced(scaled(r.patientChangeFen, axis.divisor), r.trace)) },
    ],
  };
}

export function PricesPage() {
  return (
    <DashboardView part="prices" title="prices.title" intro="prices.intro">
      {(data, view) => {
        const { t, lang } = view;
        return (
          <>
            <FigureCards figures={data.figures} view={view} />
            <div className="panels">
              <Panel title={t('prices.items')} note={data.items.length > TOP ? t('dash.topN', { n: TOP }) : undefined}>
                <Chart testId="chart-price-items" option={itemsOption(data, view)} height={Math.max(280, Math.min(TOP, data.items.length) * 20 + 50)} onClick={openTraceOf(view)} clickable={data.items.some((i) => i.trace)} />
              </Panel>
              <Panel title={t('prices.impact')}>
                <Chart testId="chart-price-impact" option={impactOption(data, view)} height={Math.max(280, Math.min(TOP, data.items.length) * 20 + 50)} onClick={openTraceOf(view)} clickable={data.impact.some((i) => i.trace)} />
              </Panel>
              <Panel title={t('prices.proposal')} wide>
                <DataTable
                  rows={data.items}
                  rowKey={(i) => `${i.serviceId}|${i.level}`}
                  scroll
                  columns={[
                    {
                      head: t('prices.service'),
                      cell: (i) => (
                        <>
                          {nameIn(i.name, lang)} <code className="muted">{i.serviceId}</code>
                        </>
                      ),
                    },
                    { head: t('hospitals.level'), cell: (i) => careLevel(i.level, t) },
                    { head: t('prices.category'), cell: (i) => serviceCategory(i.category, t) },
                    { head: t('prices.old'), num: true, cell: (i) => formatFen(i.oldFen) },
                    { head: t('prices.new'), num: true, cell: (i) => formatFen(i.newFen) },
                    { head: t('prices.changeRate'), num: true, className: (i) => ((i.changeRate ?? 0) >= 0 ? 'up' : 'down'), cell: (i) => (i.changeRate === null ? '—' : formatShare(i.changeRate)) },
                  ]}
                />
              </Panel>
              <Panel title={t('prices.impactTable')} wide>
                <DataTable
                  rows={data.impact}
                  rowKey={(r) => r.institutionId}
                  columns={[
                    { head: t('dash.institution'), cell: (r) => nameIn(r.name, lang) },
                    { head: t('prices.revenueChange'), num: true, cell: (r) => formatMoney(r.revenueChangeFen, lang) },
                    { head: t('prices.fundChange'), num: true, cell: (r) => formatMoney(r.fundChangeFen, lang) },
                    { head: t('prices.patientChange'), num: true, cell: (r) => formatMoney(r.patientChangeFen, lang) },
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
