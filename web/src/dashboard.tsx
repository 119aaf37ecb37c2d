/**
 * What every dashboard page shares: the filters (jurisdiction, institution, year) kept in the URL
 * query, the loading / error / empty states, the figure cards, and the trace drawer that a click on a
 * figure or a chart item opens (`?trace=<id>` in the URL, so an explanation can be shared).
 */
import { useMemo, type ReactNode } from 'react';
import { api, dashboardApi, type Bilingual, type DashboardPages, type DashboardPart, type Figure, type InstitutionPart, type Jurisdiction } from './api';
import type { Lang, MessageKey } from './i18n';
import { defaultJurisdiction, treeOrder } from './jurisdictions';
import { formatFigure } from './format';
import { nameIn } from './labels';
import { useLang, type Translate } from './lang';
import { navigate, useLocation } from './router';
import { TraceDrawer } from './TraceDrawer';
import { ErrorBox, FormattedView, Loading } from './ui';
import { useApi, type Loadable } from './useApi';

export { Count, DataTable, Empty, type Column } from './table';

/** The year shown when the URL names none and the jurisdiction has no dashboard year (else its latest). */
export const DEFAULT_YEAR = 2025;
const YEAR = /^\d{4}$/;

export interface Filters {
  jurisdiction: string | null;
  year: number;
  /** false while the default year (the latest with a dashboard) is being asked for. */
  yearKnown: boolean;
  institution: string | null;
  trace: string | null;
}

/** The query keys a dashboard page keeps; the sidebar carries them from page to page. */
export const FILTER_KEYS = ['jurisdiction', 'year', 'institution'] as const;

export function withQuery(pathname: string, search: URLSearchParams, changes: Record<string, string | null>): string {
  const next = new URLSearchParams(search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') next.delete(k);
    else next.set(k, v);
  }
  const q = next.toString();
  return q ? `${pathname}?${q}` : pathname;
}

export function useFilters(): {
  filters: Filters;
  jurisdictions: Loadable<Jurisdiction[]> | null;
  years: Loadable<number[]> | null;
  update: (changes: Record<string, string | null>, replace?: boolean) => void;
} {
  const { pathname, search } = useLocation();
  const jurisdictions = useApi('jurisdictions', api.jurisdictions);
  const list = jurisdictions?.state === 'ok' ? jurisdictions.data : null;
  const jurisdiction = search.get('jurisdiction') ?? (list && defaultJurisdiction(list)) ?? null;
  const years = useApi(jurisdiction === null ? null : `years|${jurisdiction}`, () => dashboardApi.years(jurisdiction ?? ''));
  const urlYear = search.get('year');
  const fromUrl = urlYear !== null && YEAR.test(urlYear) ? Number(urlYear) : null;
  // Without a year in the URL: the latest year with a dashboard (the default year when there is none or the list fails).
  const latest = years?.state === 'ok' ? (years.data.at(-1) ?? DEFAULT_YEAR) : years?.state === 'error' ? DEFAULT_YEAR : null;
  const filters: Filters = {
    jurisdiction,
    year: fromUrl ?? latest ?? DEFAULT_YEAR,
    yearKnown: fromUrl !== null || latest !== null,
    institution: search.get('institution'),
    trace: search.get('trace'),
  };
  const update = (changes: Record<string, string | null>, replace = true) => navigate(withQuery(pathname, search, changes), { replace });
  return { filters, jurisdictions, years, update };
}

/** Institution id → name, from the hospitals snapshot of the county-year (for filters and tables). */
export function useInstitutions(jurisdiction: string | null, year: number | null, wanted: boolean): Loadable<Array<{ id: string; name: string }>> | null {
  const key = wanted && jurisdiction !== null && year !== null ? `hospitals|${jurisdiction}|${year}` : null;
  const { lang } = useLang();
  return useApi(key ? `${key}|${lang}` : null, () => dashboardApi.part('hospitals', jurisdiction ?? '', year ?? DEFAULT_YEAR).then((r) => r.institutions.map(({ id, name }) => ({ id, name: nameIn(name, lang) }))));
}

export function FilterBar({ filters, jurisdictions, years, institutions, update }: {
  filters: Filters;
  jurisdictions: Loadable<Jurisdiction[]> | null;
  years: Loadable<number[]> | null;
  institutions: Loadable<Array<{ id: string; name: string }>> | null;
  update: (changes: Record<string, string | null>, replace?: boolean) => void;
}) {
  const { lang, t } = useLang();
  const list = jurisdictions?.state === 'ok' ? jurisdictions.data : null;
  // The years with a dashboard, newest first, and the year of the URL when it has none (its page says so).
  const yearList = useMemo(() => {
    const known = years?.state === 'ok' ? years.data : [];
    const all = new Set(known);
    if (filters.yearKnown) all.add(filters.year);
    return [...all].sort((a, b) => b - a);
  }, [years, filters.year, filters.yearKnown]);
  return (
    <div className="filters" data-testid="filters">
      <label>
        {t('params.jurisdiction')}
        <select value={filters.jurisdiction ?? ''} disabled={!list} data-testid="jurisdiction-select" onChange={(e) => update({ jurisdiction: e.target.value, institution: null })}>
          {list &&
            treeOrder(list).map(({ jurisdiction: j, depth }) => (
              <option key={j.id} value={j.id}>
                {'\u3000'.repeat(depth)}
                {j.name[lang]} · {t(`level.${j.level}`)}
              </option>
            ))}
        </select>
      </label>
      <label>
        {t('dash.year')}
        <select
          value={filters.yearKnown ? String(filters.year) : ''}
          disabled={!filters.yearKnown}
          data-testid="year-select"
          className="year-select"
          onChange={(e) => update({ year: e.target.value })}
        >
          {yearList.map((y) => (
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </label>
      {institutions && (
        <label>
          {t('dash.institution')}
          <select
            value={filters.institution ?? ''}
            disabled={institutions.state !== 'ok'}
            data-testid="institution-select"
            onChange={(e) => update({ institution: e.target.value || null })}
          >
            <option value="">{t('dash.allInstitutions')}</option>
            {institutions.state === 'ok' &&
              institutions.data.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.name}
                </option>
              ))}
          </select>
        </label>
      )}
    </div>
  );
}

export interface ViewContext {
  filters: Filters;
  lang: Lang;
  t: Translate;
  openTrace: (id: string) => void;
  /** Institution id → name where known. */
  names: ReadonlyMap<string, string>;
}

/**
 * A dashboard page: title, filters, and the body drawn from the page's snapshot once it is loaded.
 * `byInstitution`: the endpoint takes `?institution=` and the page offers the filter.
 */
export function DashboardView<P extends DashboardPart>({
  part,
  title,
  intro,
  byInstitution = false,
  needsNames = false,
  children,
}: {
  part: P;
  title: MessageKey;
  intro: MessageKey;
  byInstitution?: boolean;
  needsNames?: boolean;
  children: (data: DashboardPages[P], view: ViewContext) => ReactNode;
}) {
  const { lang, t } = useLang();
  const { filters, jurisdictions, years, update } = useFilters();
  const institutions = useInstitutions(filters.jurisdiction, filters.yearKnown ? filters.year : null, byInstitution || needsNames);
  const { jurisdiction, year } = filters;
  const institution = byInstitution ? filters.institution : null;
  const key = jurisdiction === null || !filters.yearKnown ? null : `${part}|${jurisdiction}|${year}|${institution ?? ''}`;
  const data = useApi(key, () => dashboardApi.part(part, jurisdiction ?? '', year, institution));
  const names = useMemo(() => new Map(institutions?.state === 'ok' ? institutions.data.map((i) => [i.id, i.name] as const) : []), [institutions]);
  const view: ViewContext = { filters, lang, t, openTrace: (id) => update({ trace: id }, false), names };

  return (
    <section className="page dash-page" data-testid={`page-${part}`}>
      <div className="dash-head">
        <h1>{t(title)}</h1>
        <FilterBar filters={filters} jurisdictions={jurisdictions} years={years} institutions={byInstitution ? institutions : null} update={update} />
      </div>
      <p className="intro muted">{t(intro)}</p>
      {jurisdictions?.state === 'error' ? (
        <ErrorBox error={jurisdictions.error} />
      ) : !data || data.state === 'loading' ? (
        <Loading label={t('dash.loading')} />
      ) : data.state === 'error' ? (
        <>
          <ErrorBox error={data.error} />
          {data.error.status === 404 && <p className="muted hint">{t('dash.noSnapshot')}</p>}
        </>
      ) : (data.data as InstitutionPart).empty ? (
        <p className="notice" data-testid="no-institution-data">
          {t('dash.noInstitutionData', { name: nameIn((data.data as InstitutionPart).institution?.name ?? institution ?? '', lang) })}
        </p>
      ) : (
        <div className="dash-body" data-testid="dash-body">
          {children(data.data, view)}
        </div>
      )}
      {filters.trace !== null && jurisdiction !== null && (
        <TraceDrawer jurisdiction={jurisdiction} year={year} id={filters.trace} onClose={() => update({ trace: null }, false)} />
      )}
    </section>
  );
}

/**
 * A figure as a card shows it: `unitName` names what a count counts (人次 visits, 份 contracts, 名
 * doctors …) where the unit alone would only say 个 / count.
 */
export interface ShownFigure extends Figure {
  unitName?: Bilingual;
  /** A line under the value (e.g. why a share has no value). */
  note?: string;
}

/** One figure: label, value with its unit; a button that opens the trace when the figure has one. */
export function FigureCard({ figure, view, small = false }: { figure: ShownFigure; view: ViewContext; small?: boolean }) {
  const { lang, t } = view;
  const formatted = formatFigure(figure.value, figure.unit, t, lang);
  const f = figure.unitName && formatted.unit ? { ...formatted, unit: figure.unitName[lang] } : formatted;
  const body = (
    <>
      <span className="figure-label">{figure.label[lang]}</span>
      <span className="figure-value">
        <FormattedView f={f} />
      </span>
      {figure.note && (
        <span className="figure-note muted" data-testid="figure-note">
          {figure.note}
        </span>
      )}
    </>
  );
  const className = `figure${small ? ' figure-small' : ''}`;
  if (!figure.trace) {
    return (
      <div className={className} data-testid="figure" data-figure={figure.id}>
        {body}
      </div>
    );
  }
  const trace = figure.trace;
  return (
    <button type="button" className={`${className} traced`} data-testid="figure" data-figure={figure.id} title={t('dash.openTrace')} onClick={() => view.openTrace(trace)}>
      {body}
    </button>
  );
}

export function FigureCards({ figures, view }: { figures: readonly ShownFigure[]; view: ViewContext }) {
  if (figures.length === 0) return null;
  return (
    <div className="figures" data-testid="figures">
      {figures.map((f) => (
        <FigureCard key={f.id} figure={f} view={view} />
      ))}
    </div>
  );
}

/** A titled block holding a chart or a table. */
export function Panel({ title, note, wide = false, children, testId }: { title: string; note?: string; wide?: boolean; children: ReactNode; testId?: string }) {
  return (
    <div className={wide ? 'panel panel-wide' : 'panel'} data-testid={testId}>
      <h2 className="panel-title">
        {title}
        {note && <span className="panel-note muted">{note}</span>}
      </h2>
      {children}
    </div>
  );
}

/** A chart click handler that opens the trace of the clicked item when its data carry one. */
export function openTraceOf(view: ViewContext): (click: { data: unknown }) => void {
  return (click) => {
    const d = click.data;
    const trace = typeof d === 'object' && d !== null && 'trace' in d ? (d as { trace?: unknown }).trace : undefined;
    if (typeof trace === 'string') view.openTrace(trace);
  };
}

/** A chart data item that opens its trace on a click (a plain value when it has none, or no value). */
export function traced<V extends number | '-'>(value: V, trace: string | undefined): V | { value: V; trace: string } {
  return trace === undefined || value === '-' ? value : { value, trace };
}

/** A money series value in the chart's axis scale (万元 in Chinese, ¥ thousand in English). */
export function scaled(fen: number, divisor: number): number {
  return Math.round((fen / divisor) * 100) / 100;
}
