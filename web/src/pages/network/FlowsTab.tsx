/**
 * Patient flows of a year (a Sankey): referrals from each level (left) to each level (right) — done
 * or under way — and out-of-county admissions without a referral; the table adds the referrals that
 * were declined, cancelled, expired or are still open; then the alerts of cases of a disease the
 * county treats in county that left it without a referral.
 */
import { networkApi, type AlertsResponse, type FlowsResponse } from '../../api';
import { Chart, type ChartOption } from '../../Chart';
import { Empty, FigureCards, Panel, type ViewContext } from '../../dashboard';
import { formatPlain } from '../../format';
import { useApi } from '../../useApi';
import { NetworkLoaded, type NetworkContext } from './shared';
import { figure } from './codes';

const COLORS: Record<string, string> = { village: '#2f7d4f', township: '#5b8ff9', county: '#1f5f8b', out_of_county: '#c2410c', self: '#9a6b00' };

function labelOf(data: FlowsResponse, id: string, view: ViewContext): string {
  const node = data.nodes.find((n) => n.id === id);
  return node ? node.label[view.lang] : id;
}

/** Each level twice — as sender (left) and receiver (right) — so flows both ways draw without a cycle. */
function sankeyOption(data: FlowsResponse, view: ViewContext): ChartOption {
  const unit = view.t('unit.referrals');
  const links = data.links.filter((l) => l.value > 0);
  const used = new Set(links.flatMap((l) => [`from:${l.source}`, `to:${l.target}`]));
  const name = (key: string) => labelOf(data, key.slice(key.indexOf(':') + 1), view);
  return {
    animation: false, // the layout is drawn at once (a Sankey's growing links read as wrong numbers)
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const item = p as unknown as { dataType?: string; name: string; value: number; data: { source?: string; target?: string } };
        return item.dataType === 'edge' ? `${name(item.data.source ?? '')} → ${name(item.data.target ?? '')}: ${formatPlain(item.value)} ${unit}` : `${name(item.name)}: ${formatPlain(item.value)} ${unit}`;
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
      {data.alerts.length === 0 ? (
        <Empty />
      ) : (
        <div className="table-wrap table-scroll">
          <table className="grid data-table">
            <thead>
              <tr>
                <th>{t('network.alerts.date')}</th>
                <th>{t('network.person')}</th>
                <th>{t('network.disease')}</th>
                <th>{t('network.alerts.institution')}</th>
                <th>{t('network.alerts.message')}</th>
              </tr>
            </thead>
            <tbody>
              {data.alerts.map((a) => (
                <tr key={a.encounterId} data-testid="alert-row">
                  <td>{a.date}</td>
                  <td>
                    <code>{a.personId}</code>
                  </td>
                  <td>{a.disease ? a.disease[lang] : a.diseaseId}</td>
                  <td>{view.names.get(a.institutionId) ?? a.institutionId}</td>
                  <td className="wrap">{a.message[lang]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
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
          figure('referrals', 'network.flows.referrals', d.totals.referrals, 'count'),
          figure('out_of_county', 'network.flows.outOfCounty', d.totals.outOfCountyAdmissions, 'count'),
          figure('referred_out', 'network.flows.referredOut', d.totals.referredOutOfCounty, 'count'),
          figure('self_out', 'network.flows.selfOut', d.totals.selfReferredOutOfCounty, 'count'),
        ];
        return (
          <>
            <FigureCards figures={figures} view={view} />
            <div className="panels">
              <Panel title={t('network.flows.sankey')} note={t('network.flows.sankeyNote')} wide>
                <Chart testId="chart-flows" option={sankeyOption(d, view)} height={360} />
              </Panel>
              <Panel title={t('network.flows.table')} wide>
                {d.links.length === 0 ? (
                  <Empty />
                ) : (
                  <div className="table-wrap">
                    <table className="grid data-table">
                      <thead>
                        <tr>
                          <th>{t('network.flows.from')}</th>
                          <th>{t('network.flows.to')}</th>
                          <th>{t('network.direction')}</th>
                          <th className="num">{t('network.flows.value')}</th>
                          <th className="num">{t('network.flows.notCompleted')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {d.links.map((l) => {
                          const nc = l.notCompleted ?? {};
                          return (
                            <tr key={`${l.source}>${l.target}>${l.direction ?? ''}>${l.kind}`} data-testid="flow-row">
                              <td>{labelOf(d, l.source, view)}</td>
                              <td>{labelOf(d, l.target, view)}</td>
                              <td>{l.kind === 'referral' ? t(l.direction === 'down' ? 'network.direction.down' : 'network.direction.up') : t('network.flows.self')}</td>
                              <td className="num">
                                {formatPlain(l.value)}
                                <span className="unit">{t('unit.referrals')}</span>
                              </td>
                              <td className="num">
                                {l.kind === 'referral' ? `${formatPlain(nc.declined ?? 0)} / ${formatPlain(nc.cancelled ?? 0)} / ${formatPlain(nc.expired ?? 0)} / ${formatPlain(nc.open ?? 0)}` : '—'}
                                {l.kind === 'referral' && <span className="unit">{t('unit.referrals')}</span>}
                              </td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </table>
                  </div>
                )}
              </Panel>
              {alerts?.state === 'ok' && <AlertsPanel data={alerts.data} view={view} />}
            </div>
          </>
        );
      }}
    </NetworkLoaded>
  );
}
