/**
 * The parameter browser: choose a date and a jurisdiction, browse the tree of parameters with their
 * resolved values, and open one to see where its value comes from. The choices live in the URL
 * (`?date=…&jurisdiction=…&path=…`), so a view can be shared or reloaded.
 */
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import { defaultJurisdiction, indexJurisdictions, treeOrder } from '../jurisdictions';
import { useLang } from '../lang';
import { navigate, useLocation } from '../router';
import { ErrorBox, Loading } from '../ui';
import { useApi } from '../useApi';
import { ParamDetail } from './ParamDetail';
import { ParamTree } from './ParamTree';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Today by the browser's clock, as YYYY-MM-DD. */
function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function withQuery(search: URLSearchParams, changes: Record<string, string | null>): string {
  const next = new URLSearchParams(search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) next.delete(k);
    else next.set(k, v);
  }
  const q = next.toString();
  return q ? `/params?${q}` : '/params';
}

export function ParamsPage() {
  const { lang, t } = useLang();
  const { search } = useLocation();
  const urlDate = search.get('date');
  const date = urlDate !== null && ISO_DATE.test(urlDate) ? urlDate : today();
  const selected = search.get('path');

  // The date field may hold a half-typed date; only a complete one reaches the URL.
  const [dateInput, setDateInput] = useState(date);
  useEffect(() => setDateInput(date), [date]);

  const jurisdictions = useApi('jurisdictions', api.jurisdictions);
  const list = jurisdictions?.state === 'ok' ? jurisdictions.data : null;
  const index = useMemo(() => indexJurisdictions(list ?? []), [list]);
  const jurisdiction = search.get('jurisdiction') ?? (list && defaultJurisdiction(list)) ?? null;

  const params = useApi(jurisdiction === null ? null : `${date}|${jurisdiction}`, () => api.params(date, jurisdiction ?? ''));
  // undefined while the list loads; null when it failed or lacks the selected path.
  const resolved = params?.state === 'ok' ? (params.data.params.find((p) => p.path === selected) ?? null) : params?.state === 'error' ? null : undefined;

  const update = (changes: Record<string, string | null>, replace: boolean) => navigate(withQuery(search, changes), { replace });

  return (
    <section className="page params-page">
      <div className="toolbar">
        <h1>{t('params.title')}</h1>
        <label>
          {t('params.date')}
          <input
            type="date"
            value={dateInput}
            data-testid="date-input"
            onChange={(e) => {
              setDateInput(e.target.value);
              if (ISO_DATE.test(e.target.value)) update({ date: e.target.value }, true);
            }}
          />
        </label>
        <label>
          {t('params.jurisdiction')}
          <select
            value={jurisdiction ?? ''}
            disabled={!list}
            data-testid="jurisdiction-select"
            onChange={(e) => update({ jurisdiction: e.target.value }, true)}
          >
            {list &&
              treeOrder(list).map(({ jurisdiction: j, depth }) => (
                <option key={j.id} value={j.id}>
                  {'\u3000'.repeat(depth)}
                  {j.name[lang]} · {t(`level.${j.level}`)}
                </option>
              ))}
          </select>
        </label>
        <p className="intro muted">{t('params.intro')}</p>
      </div>

      {jurisdictions?.state === 'error' && <ErrorBox error={jurisdictions.error} />}

      <div className="split">
        <aside className="split-left">
          {jurisdictions?.state === 'error' ? null : !params || params.state === 'loading' ? (
            <Loading label={t('params.loading')} />
          ) : params.state === 'error' ? (
            <ErrorBox error={params.error} />
          ) : (
            <ParamTree params={params.data.params} selected={selected} onSelect={(path) => update({ path }, false)} />
          )}
        </aside>
        <div className="split-right">
          {selected === null || jurisdiction === null ? (
            <p className="muted hint">{t('params.selectHint')}</p>
          ) : (
            <ParamDetail path={selected} resolved={resolved} date={date} jurisdiction={jurisdiction} jurisdictions={index} />
          )}
        </div>
      </div>
    </section>
  );
}
