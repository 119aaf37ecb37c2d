/**
 * 医共体网络 (issue 8 §5): the care network of a county — an institution's referral inbox and outbox
 * with the moves it may make, the patient flows between levels and out of the county (a Sankey), the
 * family doctors' panel and coverage, remote care and the village workforce. The view is `&view=` in
 * the URL next to the dashboard's filters; the referral lists also keep `&institution=`, `&box=`,
 * `&state=` and `&offset=`.
 */
import type { Trace } from '../api';
import { FilterBar, useFilters, useInstitutions, type ViewContext } from '../dashboard';
import { useLang } from '../lang';
import { useLocation } from '../router';
import { ErrorBox, Loading } from '../ui';
import type { Loadable } from '../useApi';
import { FamilyDoctorsTab } from './network/FamilyDoctorsTab';
import { FlowsTab } from './network/FlowsTab';
import { ReferralsTab } from './network/ReferralsTab';
import { RemoteTab } from './network/RemoteTab';
import { WorkforceTab } from './network/WorkforceTab';
import { useInlineTraces, type NetworkContext } from './network/shared';

const TABS = ['referrals', 'flows', 'family', 'remote', 'workforce'] as const;
export type NetworkTab = (typeof TABS)[number];

/** The current year in China time (the county's). */
const chinaYearNow = () => Number(new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()));

/**
 * The years to choose from: those with a dashboard, and the current one — the referral workflow is
 * live, and its referrals of this year are listed under this year before any dashboard has it.
 */
function withCurrentYear(years: Loadable<number[]> | null): Loadable<number[]> | null {
  if (years?.state !== 'ok') return years;
  const now = chinaYearNow();
  return years.data.includes(now) ? years : { ...years, data: [...years.data, now] };
}

export function NetworkPage() {
  const { lang, t } = useLang();
  const { search } = useLocation();
  const { filters, jurisdictions, years, update } = useFilters();
  const tab: NetworkTab = TABS.find((x) => x === search.get('view')) ?? 'referrals';
  // The institutions' names: the referral filter, and the hospitals named in the flows' alerts — from
  // the year's dashboard, or the latest one for a year without (the current year, for live referrals).
  // (Asked once the years with a dashboard are known, so that a year without one is never asked for.)
  const namesYear = !filters.yearKnown || !years || years.state === 'loading' ? null : years.state === 'ok' && years.data.length > 0 && !years.data.includes(filters.year) ? (years.data.at(-1) ?? null) : filters.year;
  const institutions = useInstitutions(filters.jurisdiction, namesYear, tab === 'referrals' || tab === 'flows');
  const names = new Map(institutions?.state === 'ok' ? institutions.data.map((i) => [i.id, i.name] as const) : []);
  const traces = useInlineTraces();
  const view: ViewContext = { filters, lang, t, openTrace: traces.open, names };
  const { jurisdiction } = filters;

  return (
    <section className="page dash-page" data-testid="page-network">
      <div className="dash-head">
        <h1>{t('network.title')}</h1>
        <FilterBar filters={filters} jurisdictions={jurisdictions} years={withCurrentYear(years)} institutions={tab === 'referrals' ? institutions : null} update={update} />
      </div>
      <p className="intro muted">{t('network.intro')}</p>
      <div className="tabs" role="tablist" data-testid="network-tabs">
        {TABS.map((x) => (
          <button key={x} type="button" role="tab" aria-selected={x === tab} className={x === tab ? 'tab active' : 'tab'} data-testid={`tab-${x}`} onClick={() => update({ view: x === 'referrals' ? null : x, trace: null }, false)}>
            {t(`network.tab.${x}`)}
          </button>
        ))}
      </div>
      {jurisdictions?.state === 'error' ? (
        <ErrorBox error={jurisdictions.error} />
      ) : jurisdiction === null || !filters.yearKnown ? (
        <Loading label={t('network.loading')} />
      ) : (
        <NetworkTabBody tab={tab} ctx={{ jurisdiction, year: filters.year, view: { ...view, openTrace: (id) => traces.open(id) }, search, update }} register={traces.register} />
      )}
      {jurisdiction !== null && traces.drawer({ jurisdiction, year: filters.year })}
    </section>
  );
}

function NetworkTabBody({ tab, ctx, register }: { tab: NetworkTab; ctx: NetworkContext; register: (id: string, trace: Trace | undefined) => string | undefined }) {
  switch (tab) {
    case 'referrals':
      return <ReferralsTab ctx={ctx} />;
    case 'flows':
      return <FlowsTab ctx={ctx} />;
    case 'family':
      return <FamilyDoctorsTab ctx={ctx} register={register} />;
    case 'remote':
      return <RemoteTab ctx={ctx} register={register} />;
    case 'workforce':
      return <WorkforceTab ctx={ctx} register={register} />;
  }
}
