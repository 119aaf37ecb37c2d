/**
 * The village workforce of a year: doctors in post, villages without one (vacancy, by township), the
 * age picture (bands, the share aged 60 and over, mean age), qualifications and college graduates,
 * rotation training, and the month's subsidy and pension roll.
 */
import { networkApi, type Trace, type WorkforceResponse } from '../../api';
import { Chart, type ChartOption } from '../../Chart';
import { Count, DataTable, FigureCards, Panel, type ViewContext } from '../../dashboard';
import { formatMoney, formatPlain } from '../../format';
import { useApi } from '../../useApi';
import { NetworkLoaded, type NetworkContext } from './shared';
import { coded, counted, figure } from './codes';

const SUBSIDY_ROWS = 50;

function countOption(labels: string[], counts: number[], name: string, view: ViewContext): ChartOption {
  const unit = view.t('unit.doctors');
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${formatPlain(Number(v))} ${unit}` },
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, width: 100, overflow: 'truncate' } },
    yAxis: { type: 'value', name: unit, minInterval: 1 },
    series: [{ type: 'bar', name, data: counts, label: { show: true, position: 'top' } }],
  };
}

export function WorkforceTab({ ctx, register }: { ctx: NetworkContext; register: (id: string, trace: Trace | undefined) => string | undefined }) {
  const { jurisdiction, year, view } = ctx;
  const { t, lang } = view;
  const data = useApi(`workforce|${jurisdiction}|${year}`, () => networkApi.workforce(jurisdiction, year));
  return (
    <NetworkLoaded data={data}>
      {(d: WorkforceResponse) => {
        const ageing = d.ageing.ageing ?? d.ageing.ageingShare;
        const ageTrace = register('workforce.ageing', d.ageing.trace);
        const qualifications = Object.entries(d.ageing.byQualification ?? d.ageing.qualifications ?? {});
        const figures = [
          counted('doctors', 'network.workforce.doctors', d.doctors, 'doctors'),
          counted('villages', 'network.workforce.villages', d.vacancy.villages, 'villages'),
          figure('without_doctor', 'network.workforce.vacancy', d.vacancy.share.value, 'ratio'),
          figure('ageing', 'network.workforce.ageing', ageing?.value, 'ratio', ageTrace),
          ...(d.ageing.meanAge === undefined ? [] : [counted('mean_age', 'network.workforce.meanAge', Math.round(d.ageing.meanAge * 10) / 10, 'yearsOld', ageTrace)]),
          ...(d.ageing.licensed ? [figure('licensed', 'network.workforce.licensed', d.ageing.licensed.value, 'ratio')] : []),
          figure('college', 'network.workforce.college', d.ageing.collegeGraduates.value, 'ratio'),
          figure('training', 'network.workforce.training', d.training.completion.value, 'ratio', register('workforce.training', d.training.trace)),
        ];
        const subsidy = { ...figure('subsidy', 'network.workforce.total', d.subsidy.totalFen, 'fen', register('workforce.subsidy', d.subsidy.trace)), label: { zh: t('network.workforce.subsidy', { month: d.subsidy.month }), en: t('network.workforce.subsidy', { month: d.subsidy.month }) } };
        const townships = Object.entries(d.vacancy.byTownship);
        const rows = d.subsidy.rows.slice(0, SUBSIDY_ROWS);
        return (
          <>
            <FigureCards figures={[...figures, subsidy]} view={view} />
            <p className="muted hint">{t('network.synthetic')}</p>
            <div className="panels">
              <Panel title={t('network.workforce.ages')}>
                <Chart testId="chart-workforce-ages" option={countOption(d.ageing.bands.map((b) => b.label), d.ageing.bands.map((b) => b.count), t('network.workforce.doctors'), view)} />
              </Panel>
              <Panel title={t('network.workforce.qualifications')}>
                <Chart testId="chart-workforce-qualifications" option={countOption(qualifications.map(([q]) => coded('network.qualification', q, t)), qualifications.map(([, n]) => n), t('network.workforce.doctors'), view)} />
              </Panel>
              <Panel title={t('network.workforce.byTownship')}>
                <DataTable
                  rows={townships}
                  rowKey={([id]) => id}
                  rowTestId="township-row"
                  columns={[
                    { head: t('network.workforce.township'), cell: ([id]) => id },
                    { head: t('network.workforce.villages'), num: true, cell: ([, v]) => <Count n={v.villages} unit={t('unit.villages')} /> },
                    { head: t('network.workforce.withoutDoctor'), num: true, cell: ([, v]) => <Count n={v.withoutDoctor} unit={t('unit.villages')} /> },
                  ]}
                />
              </Panel>
              <Panel title={t('network.workforce.subsidyRows', { month: d.subsidy.month, n: rows.length })}>
                <DataTable
                  rows={rows}
                  rowKey={(r) => r.doctorId}
                  scroll
                  columns={[
                    { head: t('network.workforce.doctor'), cell: (r) => <code>{r.doctorId}</code> },
                    { head: t('network.workforce.subsidyBase'), num: true, cell: (r) => (r.subsidyFen === undefined ? '—' : formatMoney(r.subsidyFen, lang)) },
                    { head: t('network.workforce.qualifiedAddition'), num: true, cell: (r) => (r.qualifiedAdditionFen === undefined ? '—' : formatMoney(r.qualifiedAdditionFen, lang)) },
                    { head: t('network.workforce.pension'), num: true, cell: (r) => (r.pensionContributionFen === undefined ? '—' : formatMoney(r.pensionContributionFen, lang)) },
                    { head: t('network.workforce.total'), num: true, cell: (r) => formatMoney(r.totalFen, lang) },
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
