import type { ReactNode } from 'react';
import { api } from './api';
import { useLang } from './lang';
import { FILTER_KEYS } from './dashboard';
import { MODULES, type ModuleRoute } from './routes';
import { Link } from './router';
import { useApi } from './useApi';

function HealthBadge() {
  const { t } = useLang();
  const health = useApi('health', api.health);
  if (!health || health.state === 'loading') {
    return <span className="health muted" data-testid="health">{t('health.loading')}</span>;
  }
  if (health.state === 'error') {
    return (
      <span className="health health-down" data-testid="health" title={health.error.message}>
        {t('health.down')}
      </span>
    );
  }
  const h = health.data;
  return (
    <span className="health" data-testid="health" title={`sanyi ${h.version} · ${h.paramVersion}`}>
      <span className="dot" aria-hidden="true" />
      {t('health.database')} <strong>{h.database.backend}</strong>
      <span className="sep">·</span>
      {t('health.params')} <code>{h.paramVersion.slice(0, 12)}</code>
    </span>
  );
}

/** A sidebar link: dashboard pages keep the current filters from page to page. */
function hrefOf(m: ModuleRoute, search: URLSearchParams): string {
  if (!m.dashboard) return m.path;
  const keep = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = search.get(k);
    if (v !== null) keep.set(k, v);
  }
  const q = keep.toString();
  return q ? `${m.path}?${q}` : m.path;
}

export function Layout({ pathname, search, children }: { pathname: string; search: URLSearchParams; children: ReactNode }) {
  const { lang, setLang, t } = useLang();
  return (
    <div className="app">
      <header className="header">
        <div className="brand">
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-latin">sanyi</span>
          <span className="brand-sub">{t('app.subtitle')}</span>
        </div>
        <div className="header-right">
          <HealthBadge />
          <button
            type="button"
            className="lang-switch"
            data-testid="lang-switch"
            title={t('lang.switchTitle')}
            onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
          >
            {t('lang.switch')}
          </button>
        </div>
      </header>
      <nav className="sidebar" data-testid="nav">
        {MODULES.map((m) => {
          const active = pathname === m.path || pathname.startsWith(`${m.path}/`);
          return (
            <Link key={m.path} to={hrefOf(m, search)} className={active ? 'nav-item active' : 'nav-item'} aria-current={active ? 'page' : undefined}>
              {t(m.nav)}
              {m.placeholder && <span className="nav-soon" aria-hidden="true" />}
            </Link>
          );
        })}
      </nav>
      <main className="main">{children}</main>
    </div>
  );
}
