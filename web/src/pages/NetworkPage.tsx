/**
 * 医共体网络 (issue 8 §5): the care network of a county — an institution's referral inbox and outbox
 * with the moves it may make, the patient flows between levels and out of the county (a Sankey), the
 * family doctors' panel and coverage, remote care and the village workforce. The view is `&view=` in
 * the URL next to the dashboard's filters; the referral lists also keep `&institution=`, `&box=`,
 * `&state=` and `&offset=`.
 */
import { useRef, useState, type ReactNode } from 'react';
import type { ApiError, Trace } from '../api';
import { FilterBar, useFilters, useInstitutions, type ViewContext } from '../dashboard';
import { useLang } from '../lang';
import { useLocation } from '../router';
import { TraceDrawer } from '../TraceDrawer';
import { ErrorBox, Loading } from '../ui';
import type { Loadable } from '../useApi';
import { FamilyDoctorsTab } from './network/FamilyDoctorsTab';
import { FlowsTab } from './network/FlowsTab';
import { ReferralsTab } from './network/ReferralsTab';
import { RemoteTab } from './network/RemoteTab';
import { WorkforceTab } from './network/WorkforceTab';

const TABS = ['referrals', 'flows', 'family', 'remote', 'workforce'] as const;
export type NetworkTab = (typeof TABS)[number];

/** What a tab gets: the view context of the dashboard pages (its `openTrace` takes the id of a trace the tab registered). */
export interface NetworkContext {
  jurisdiction: string;
  year: number;
  view: ViewContext;
  search: URLSearchParams;
  update: (changes: Record<string, string | null>, replace?: boolean) => void;
}

/** A network answer's states: loading, an error (a year not built names its command), or the tab's body. */
export function NetworkLoaded<T>({ data, children }: { data: Loadable<T> | null; children: (data: T) => ReactNode }) {
  const { t } = useLang();
  if (!data || data.state === 'loading') return <Loading label={t('network.loading')} />;
  if (data.state === 'error') return <NetworkError error={data.error} />;
  return <div data-testid="network-body">{children(data.data)}</div>;
}

export function NetworkError({ error }: { error: ApiError }) {
  const { t } = useLang();
  return (
    <>
      <ErrorBox error={error} />
      {error.status === 404 && /network build/.test(error.message) && <p className="muted hint">{t('network.notBuilt')}</p>}
    </>
  );
}

/**
 * Traces a tab's answer carries in its body, opened by a key the tab gives its figures (kept across
 * renders: the drawer is drawn by the page from what its tab registered).
 */
export function useInlineTraces(): { register: (id: string, trace: Trace | undefined) => string | undefined; open: (id: string) => void; drawer: (ctx: { jurisdiction: string; year: number }) => ReactNode } {
  const [openId, setOpenId] = useState<string | null>(null);
  const traces = useRef(new Map<string, Trace>()).current;
  return {
    register: (id, trace) => {
      if (!trace) return undefined;
      traces.set(id, trace);
      return id;
    },
    open: setOpenId,
    drawer: ({ jurisdiction, year }) => {
      const given = openId === null ? undefined : traces.get(openId);
      return given && openId !== null ? <TraceDrawer jurisdiction={jurisdiction} year={year} id={openId} given={given} onClose={() => setOpenId(null)} /> : null;
    },
  };
}

export function NetworkPage() {
  const { lang, t } = useLang();
  const { search } = useLocation();
  const { filters, jurisdictions, years, update } = useFilters();
  const tab: NetworkTab = TABS.find((x) => x === search.get('view')) ?? 'referrals';
  // The institutions' names: the referral filter, and the hospitals named in the flows' alerts.
  const institutions = useInstitutions(filters.jurisdiction, filters.yearKnown ? filters.year : null, tab === 'referrals' || tab === 'flows');
  const names = new Map(institutions?.state === 'ok' ? institutions.data.map((i) => [i.id, i.name] as const) : []);
  const traces = useInlineTraces();
  const view: ViewContext = { filters, lang, t, openTrace: traces.open, names };
  const { jurisdiction } = filters;

  return (
    <section className="page dash-page" data-testid="page-network">
      <div className="dash-head">
        <h1>{t('network.title')}</h1>
        <FilterBar filters={filters} jurisdictions={jurisdictions} years={years} institutions={tab === 'referrals' ? institutions : null} update={update} />
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
