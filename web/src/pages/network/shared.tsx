/**
 * What the care-network page and its tabs share: the context a tab gets, the states of a network
 * answer, and traces carried in an answer's body. A module of its own so the tabs need not import the
 * page that imports them.
 */
import { useRef, useState, type ReactNode } from 'react';
import type { ApiError, Trace } from '../../api';
import type { ViewContext } from '../../dashboard';
import { useLang } from '../../lang';
import { TraceDrawer } from '../../TraceDrawer';
import { ErrorBox, Loading } from '../../ui';
import type { Loadable } from '../../useApi';

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
