/**
 * Patient flows of a year (a Sankey): referrals from each level (left) to each level (right) — done
 * or under way — and out-of-county admissions without a referral; the table adds the referrals that
 * were declined, cancelled, expired or are still open; then the alerts of cases of a disease the
 * county treats in county that left it without a referral.
 */
import { networkApi, type AlertsResponse, type FlowsResponse } from '../../api';
import { Chart, type ChartOption } from '../../Chart';
import { Count, DataTable, FigureCards, Panel, type ViewContext } from '../../dashboard';
import { formatPlain } from '../../format';
import { useApi } from '../../useApi';
import { NetworkLoaded, type NetworkContext } from './shared';
import { counted } from './codes';

const COLORS: Record<string, string> = { village: '#2f7d4f', township: '#5b8ff9', county: '#1f5f8b', out_of_county: '#c2410c', self: '#9a6b00' };

function labelOf(data: FlowsResponse, id: string, view: ViewContext): string {
  const node = data.nodes.find((n) => n.id === id);
  return node ? node.label[view.lang] : id;
}

type Link = FlowsResponse['links'][number];

/** What a flow counts: referrals, or admissions without one (the self-referred link). */
const linkUnit = (l: { kind?: string; source?: string }, view: ViewContext) => view.t(l.kind === 'self_referred' || l.source === 'self' ? 'unit.admissions' : 'unit.referrals');

/** Each level twice — as sender (left) and receiver (right) — so flows both ways draw without a cycle. */
function sankeyOption(data: FlowsResponse, view: ViewContext): ChartOption {
  const links = data.links.filter((l) => l.value > 0);
  // A node's total counts referrals, admissions without one, or both (the out-of-county receiver).
  const nodeUnit = (key: string) => {
    const kinds = new Set(links.filter((l) => key === `from:${l.source}` || key === `to:${l.target}`).map((l) => linkUnit(l, view)));
    return kinds.size === 1 ? [...kinds][0] : view.t('unit.patients');
  };
  const used = new Set(links.flatMap((l) => [`from:${l.source}`, `to:${l.target}`]));
  const name = (key: string) => labelOf(data, key.slice(key.indexOf(':') + 1), view);
  return {
    animation: false, // the layout is drawn at once (a Sankey's growing links read as wrong numbers)
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const item = p as unknown as { dataType?: string; name: string; value: number; data: { source?: string; target?: string } };
        if (item.dataType !== 'edge') return `${name(item.name)}: ${formatPlain(item.value)} ${nodeUnit(item.name)}`;
        const source = item.data.source ?? '';
        return `${name(source)} → ${name(item.data.target ?? '')}: ${formatPlain(item.value)} ${linkUnit({ source: source.slice(source.indexOf(':') + 1) }, view)}`;
      },
    },
    series: [
      {
        type: 'sankey',
        left: 8,
        right: 200, // room for the receivers' labels (English ones are long)
        top: 12,
        bottom: 12,
        nodeWidth: 14,
        nodeGap: 14,
        layoutIterations: 0,
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', curveness: 0.5, opacity: 0.45 },
        label: { formatter: (p) => `${name(p.name)} ${formatPlain(Number(p.value))}` },
        data: [...used].map((key) => ({ name: key, itemStyle: { color: COLORS[key.slice(key.indexOf(':') + 1)] ?? '#888' } })),
        links: links.map((l) => ({ source: `from:${l.source}`, target: `to:${l.target}`, value: l.value })),
      },
    ],
  };
}

const ALERTS = 50;

function AlertsPanel({ data, view }: { data: AlertsResponse; view: ViewContext }) {
  const { t, lang } = view;
  return (
    <Panel title={t('network.alerts.title', { n: formatPlain(data.total) })} note={data.total > data.alerts.length ? t('network.alerts.first', { n: data.alerts.length }) : undefined} wide>
      <DataTable
        rows={data.alerts}
        rowKey={(a) => a.encounterId}
        rowTestId="alert-row"
        scroll
        columns={[
          { head: t('network.alerts.date'), cell: (a) => a.date },
          { head: t('network.person'), cell: (a) => <code>{a.personId}</code> },
          { head: t('network.disease'), cell: (a) => (a.disease ? a.disease[lang] : a.diseaseId) },
          { head: t('network.alerts.institution'), cell: (a) => view.names.get(a.institutionId) ?? a.institutionId },
          { head: t('network.alerts.message'), className: () => 'wrap', cell: (a) => a.message[lang] },
        ]}
      />
    </Panel>
  );
}

export function FlowsTab({ ctx }: { ctx: NetworkContext }) {
  const { jurisdiction, year, view } = ctx;
  const { t } = view;
  const data = useApi(`flows|${jurisdiction}|${year}`, () => networkApi.flows(jurisdiction, year));
  const alerts = useApi(`alerts|${jurisdiction}|${year}`, () => networkApi.alerts(jurisdiction, year, ALERTS));
  return (
    <NetworkLoaded data={data}>
      {(d) => {
        const figures = [
          counted('referrals', 'network.flows.referrals', d.totals.referrals, 'referrals'),
          counted('out_of_county', 'network.flows.outOfCounty', d.totals.outOfCountyAdmissions, 'admissions'),
          counted('referred_out', 'network.flows.referredOut', d.totals.referredOutOfCounty, 'admissions'),
          counted('self_out', 'network.flows.selfOut', d.totals.selfReferredOutOfCounty, 'admissions'),
        ];
        return (
          <>
            <FigureCards figures={figures} view={view} />
            <div className="panels">
              <Panel title={t('network.flows.sankey')} note={t('network.flows.sankeyNote')} wide>
                <Chart testId="chart-flows" option={sankeyOption(d, view)} height={360} />
              </Panel>
              <Panel title={t('network.flows.table')} wide>
                <DataTable
                  rows={d.links}
                  rowKey={(l: Link) => `${l.source}>${l.target}>${l.direction ?? ''}>${l.kind}`}
                  rowTestId="flow-row"
                  columns={[
                    { head: t('network.flows.from'), cell: (l) => labelOf(d, l.source, view) },
                    { head: t('network.flows.to'), cell: (l) => labelOf(d, l.target, view) },
                    { head: t('network.direction'), cell: (l) => (l.kind === 'referral' ? t(l.direction === 'down' ? 'network.direction.down' : 'network.direction.up') : t('network.flows.self')) },
                    { head: t('network.flows.value'), num: true, cell: (l) => <Count n={l.value} unit={linkUnit(l, view)} /> },
                    {
                      head: t('network.flows.notCompleted'),
                      num: true,
                      cell: (l) => {
                        if (l.kind !== 'referral') return '—';
                        const nc = l.notCompleted ?? {};
                        return (
                          <>
                            {`${formatPlain(nc.declined ?? 0)} / ${formatPlain(nc.cancelled ?? 0)} / ${formatPlain(nc.expired ?? 0)} / ${formatPlain(nc.open ?? 0)}`}
                            <span className="unit">{t('unit.referrals')}</span>
                          </>
                        );
                      },
                    },
                  ]}
                />
              </Panel>
              {alerts?.state === 'ok' && <AlertsPanel data={alerts.data} view={view} />}
            </div>
          </>
        );
      }}
    </NetworkLoaded>
  );
}
