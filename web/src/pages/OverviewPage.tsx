/**
 * 总览: the linkage loop of the year drawn as a cycle — 腾空间 (VBP savings) → 调结构 (space, price
 * change, revenue structure) → 保衔接 (fund balance, patient out-of-pocket) → 薪酬 (salary budget) →
 * back — with this year's figures on it, each opening its trace; the headline figures above, and
 * the revenue structure before and after the adjustment as a chart.
 */
import type { Figure } from '../api';
import { Chart, type ChartOption } from '../Chart';
import { DashboardView, FigureCard, FigureCards, openTraceOf, Panel, type ViewContext } from '../dashboard';
import type { MessageKey } from '../i18n';
import { formatShare } from '../format';

interface Stage {
  key: 'space' | 'structure' | 'fund' | 'salary';
  title: MessageKey;
  sub: MessageKey;
  figures: readonly string[];
}

const STAGES: readonly Stage[] = [
  { key: 'space', title: 'overview.stage.space', sub: 'overview.stage.space.sub', figures: ['vbp_savings'] },
  { key: 'structure', title: 'overview.stage.structure', sub: 'overview.stage.structure.sub', figures: ['space', 'price_change', 'drug_share_before', 'drug_share_after', 'service_share_before', 'service_share_after'] },
  { key: 'fund', title: 'overview.stage.fund', sub: 'overview.stage.fund.sub', figures: ['fund_balance', 'fund_months', 'patient_oop_change'] },
  { key: 'salary', title: 'overview.stage.salary', sub: 'overview.stage.salary.sub', figures: ['salary_budget'] },
];

function StageBox({ stage, n, byId, view }: { stage: Stage; n: number; byId: ReadonlyMap<string, Figure>; view: ViewContext }) {
  const { t } = view;
  const figures = stage.figures.map((id) => byId.get(id)).filter((f): f is Figure => f !== undefined);
  return (
    <div className={`stage stage-${stage.key}`} data-testid={`stage-${stage.key}`}>
      <div className="stage-head">
        <span className="stage-n">{n}</span>
        <strong>{t(stage.title)}</strong>
        <span className="muted stage-sub">{t(stage.sub)}</span>
      </div>
      <div className="stage-figures">
        {figures.length === 0 ? <span className="muted">{t('dash.noData')}</span> : figures.map((f) => <FigureCard key={f.id} figure={f} view={view} small />)}
      </div>
    </div>
  );
}

function Loop({ loop, year, view }: { loop: readonly Figure[]; year: number; view: ViewContext }) {
  const { t } = view;
  const byId = new Map(loop.map((f) => [f.id, f]));
  const [space, structure, fund, salary] = STAGES as [Stage, Stage, Stage, Stage];
  return (
    <div className="loop" data-testid="loop">
      <StageBox stage={space} n={1} byId={byId} view={view} />
      <div className="arrow arrow-right" aria-hidden="true">→</div>
      <StageBox stage={structure} n={2} byId={byId} view={view} />
      <div className="arrow arrow-up" aria-hidden="true">↑</div>
      <div className="loop-centre">
        <strong>{t('overview.loopTitle')}</strong>
        <span className="muted">{t('overview.loopYear', { year })}</span>
      </div>
      <div className="arrow arrow-down" aria-hidden="true">↓</div>
      <StageBox stage={salary} n={4} byId={byId} view={view} />
      <div className="arrow arrow-left" aria-hidden="true">←</div>
      <StageBox stage={fund} n={3} byId={byId} view={view} />
    </div>
  );
}

interface TracedPoint {
  value: number;
  trace?: string;
}

function structureOption(byId: ReadonlyMap<string, Figure>, view: ViewContext): ChartOption {
  const { t } = view;
  const point = (id: string): TracedPoint | null => {
    const f = byId.get(id);
    return f && f.value !== null ? { value: f.value * 100, ...(f.trace ? { trace: f.trace } : {}) } : null;
  };
  const before = [point('drug_share_before'), point('service_share_before')];
  const after = [point('drug_share_after'), point('service_share_after')];
  const present = (xs: Array<TracedPoint | null>) => (xs.every((x) => x === null) ? [] : xs.map((x) => x ?? '-'));
  return {
    tooltip: { trigger: 'axis', valueFormatter: (v) => formatShare(Number(v) / 100) },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'category', data: [t('overview.drugShare'), t('overview.serviceShare')] },
    yAxis: { type: 'value', name: '%', axisLabel: { formatter: '{value}%' } },
    series: [
      { type: 'bar', name: t('overview.before'), data: present(before), label: { show: true, position: 'top', formatter: (p) => formatShare(Number(p.value) / 100) } },
      { type: 'bar', name: t('overview.after'), data: present(after), label: { show: true, position: 'top', formatter: (p) => formatShare(Number(p.value) / 100) } },
    ],
  };
}

export function OverviewPage() {
  return (
    <DashboardView part="overview" title="overview.title" intro="overview.intro">
      {(data, view) => {
        const byId = new Map(data.loop.map((f) => [f.id, f]));
        return (
          <>
            <FigureCards figures={data.headline} view={view} />
            {data.linkage === false && (
              <p className="notice" data-testid="no-linkage">
                {view.t('overview.noLinkage', { year: data.year })}
              </p>
            )}
            <div className="panels">
              <Panel title={view.t('overview.loop')} wide>
                <Loop loop={data.loop} year={data.year} view={view} />
              </Panel>
              <Panel title={view.t('overview.structure')}>
                <Chart
                  testId="chart-structure"
                  option={structureOption(byId, view)}
                  clickable
                  onClick={openTraceOf(view)}
                />
              </Panel>
              <Panel title={view.t('overview.provenance')}>
                <dl className="meta">
                  <dt>{view.t('overview.paramVersion')}</dt>
                  <dd>
                    <code>{data.paramVersion.slice(0, 16)}</code>
                  </dd>
                  <dt>{view.t('overview.seed')}</dt>
                  <dd>{data.seed ?? '—'}</dd>
                </dl>
              </Panel>
            </div>
          </>
        );
      }}
    </DashboardView>
  );
}
