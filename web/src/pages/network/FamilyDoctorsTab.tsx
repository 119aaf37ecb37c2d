/**
 * Family doctors of a year: contract coverage overall and in the priority groups, services delivered
 * against the packages promised, the share of contracted residents' visits at their own team, the
 * contract fee and its split, and each team with its contracts and payments.
 */
import { networkApi, type FamilyDoctorsResponse, type Share, type Trace } from '../../api';
import { Chart, type ChartOption } from '../../Chart';
import { Count, DataTable, FigureCards, Panel, type ShownFigure, type ViewContext } from '../../dashboard';
import { formatMoney, formatPlain, formatShare } from '../../format';
import { nameIn } from '../../labels';
import { useApi } from '../../useApi';
import { NetworkLoaded, type NetworkContext } from './shared';
import { coded, figure } from './codes';
import { TeamPanel } from './TeamPanel';

type Team = FamilyDoctorsResponse['teams'][number];

const pct = (s: Share | undefined) => (s?.value === null || s?.value === undefined ? '-' : Math.round(s.value * 10000) / 100);

/** A service's promised and delivered counts (a Share of delivered over promised, or the two counts). */
function served(v: Share | { promised: number; delivered: number }): { promised: number; delivered: number } {
  return 'promised' in v ? v : { promised: v.denominator, delivered: v.numerator };
}

function coverageOption(d: FamilyDoctorsResponse, view: ViewContext): ChartOption {
  const { t } = view;
  const groups = Object.entries(d.coverage.byGroup);
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatShare(Number(v) / 100) },
    grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: groups.map(([g]) => coded('network.group', g, t)) },
    yAxis: { type: 'value', name: '%', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [{ type: 'bar', name: t('network.family.coverage'), data: groups.map(([, s]) => pct(s)), label: { show: true, position: 'top', formatter: '{c}%' } }],
  };
}

function servicesOption(d: FamilyDoctorsResponse, view: ViewContext): ChartOption {
  const { t } = view;
  const rows = Object.entries(d.fulfilment.byService).map(([k, v]) => [k, served(v)] as const).filter(([, v]) => v.promised > 0);
  const unit = t('unit.services');
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => `${formatPlain(Number(v))} ${unit}` },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map(([k]) => coded('network.service', k, t)), axisLabel: { rotate: 20, width: 90, overflow: 'truncate' } },
    yAxis: { type: 'value', name: unit },
    series: [
      { type: 'bar', name: t('network.family.promised'), data: rows.map(([, v]) => v.promised) },
      { type: 'bar', name: t('network.family.delivered'), data: rows.map(([, v]) => v.delivered) },
    ],
  };
}

/**
 * The renewal of last year's contracts, when the build measures it: its share, the counts under it
 * where given, or — without contracts to renew — why it has no value.
 */
function renewalFigure(d: FamilyDoctorsResponse, view: ViewContext): ShownFigure | null {
  const r = d.renewal;
  if (!r) return null;
  const f = figure('renewal', 'network.family.renewal', r.value, 'ratio');
  const counts = r.renewed !== undefined && r.new !== undefined && r.lapsed !== undefined ? view.t('network.family.renewalCounts', { renewed: formatPlain(r.renewed), new: formatPlain(r.new), lapsed: formatPlain(r.lapsed) }) : undefined;
  const note = r.value === null ? (r.reason ?? undefined) : counts;
  return note ? { ...f, note } : f;
}

export function FamilyDoctorsTab({ ctx, register }: { ctx: NetworkContext; register: (id: string, trace: Trace | undefined) => string | undefined }) {
  const { jurisdiction, year, view, search, update } = ctx;
  const team = search.get('team');
  const { t, lang } = view;
  const data = useApi(`family|${jurisdiction}|${year}`, () => networkApi.familyDoctors(jurisdiction, year));
  return (
    <NetworkLoaded data={data}>
      {(d) => {
        const coverage = register('family.coverage', d.coverage.trace);
        const fulfilment = d.fulfilment.overall ?? d.fulfilment.share;
        const fee = d.fee.totalFen ?? d.fee.annualFen;
        const figures = [
          figure('coverage', 'network.family.coverage', d.coverage.overall.value, 'ratio', coverage),
          ...(d.coverage.anyPriority ? [figure('any_priority', 'network.family.anyPriority', d.coverage.anyPriority.value, 'ratio', coverage)] : []),
          figure('own_team', 'network.family.ownTeam', d.ownTeamVisitShare.value, 'ratio'),
          figure('fulfilment', 'network.family.fulfilment', fulfilment?.value, 'ratio'),
          ...[renewalFigure(d, view)].filter((f): f is ShownFigure => f !== null),
          figure('payments', 'network.family.payments', d.payments.totalFen, 'fen', register('family.payments', d.payments.trace)),
          figure('fee', 'network.family.fee', fee, 'fen', register('family.fee', d.fee.trace)),
        ];
        return (
          <>
            <FigureCards figures={figures} view={view} />
            <p className="muted hint">
              {t('network.family.fee')}: {fee === undefined ? '—' : formatMoney(fee, lang)} ({t('network.family.feeSplit', { insurance: formatMoney(d.fee.insuranceFen, lang), personal: formatMoney(d.fee.personalFen, lang), publicHealth: formatMoney(d.fee.publicHealthFen, lang) })}) · {t('network.synthetic')}
            </p>
            <div className="panels">
              <Panel title={t('network.family.byGroup')}>
                <Chart testId="chart-family-coverage" option={coverageOption(d, view)} />
              </Panel>
              <Panel title={t('network.family.byService')}>
                <Chart testId="chart-family-services" option={servicesOption(d, view)} />
              </Panel>
              <Panel title={t('network.family.teams')} wide>
                <DataTable
                  rows={d.teams}
                  rowKey={(team: Team) => team.id}
                  rowTestId="team-row"
                  columns={[
                    {
                      head: t('network.family.team'),
                      cell: (x) => (
                        <button type="button" className="link-button" data-testid="team-open" title={t('network.family.openPanel')} onClick={() => update({ team: x.id, group: null, panelOffset: null })}>
                          {x.name ? nameIn(x.name, lang) : ((lang === 'zh' ? x.nameZh : x.nameEn) ?? x.id)}
                        </button>
                      ),
                    },
                    { head: t('network.family.members'), num: true, cell: (team) => <Count n={Array.isArray(team.members) ? team.members.length : team.members} unit={t('unit.persons')} /> },
                    { head: t('network.family.gaps'), cell: (team) => (team.gaps.length === 0 ? '—' : team.gaps.map((g) => (typeof g === 'string' ? g : JSON.stringify(g))).join(', ')) },
                    { head: t('network.family.contracts'), num: true, cell: (team) => <Count n={team.contracts} unit={t('unit.contracts')} /> },
                    { head: t('network.family.payment'), num: true, cell: (team) => formatMoney(team.paymentFen, lang) },
                    { head: t('network.family.perCapita'), num: true, cell: (team) => (team.perCapitaFen === null ? '—' : formatMoney(team.perCapitaFen, lang)) },
                  ]}
                />
              </Panel>
            </div>
            {team && <TeamPanel ctx={ctx} team={team} />}
          </>
        );
      }}
    </NetworkLoaded>
  );
}
