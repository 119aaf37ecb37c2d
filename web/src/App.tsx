import type { ComponentType } from 'react';
import { Layout } from './Layout';
import { FindingsPage } from './pages/FindingsPage';
import { FundPage } from './pages/FundPage';
import { HospitalsPage } from './pages/HospitalsPage';
import { IndicatorsPage } from './pages/IndicatorsPage';
import { NetworkPage } from './pages/NetworkPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { OverviewPage } from './pages/OverviewPage';
import { ParamsPage } from './pages/ParamsPage';
import { PlaceholderPage } from './pages/PlaceholderPage';
import { PricesPage } from './pages/PricesPage';
import { ProcurementPage } from './pages/ProcurementPage';
import { SalaryPage } from './pages/SalaryPage';
import { MODULES } from './routes';
import { Redirect, useLocation } from './router';

const PAGES: Readonly<Record<string, ComponentType>> = {
  '/overview': OverviewPage,
  '/fund': FundPage,
  '/hospitals': HospitalsPage,
  '/procurement': ProcurementPage,
  '/prices': PricesPage,
  '/salary': SalaryPage,
  '/indicators': IndicatorsPage,
  '/supervision': FindingsPage,
  '/network': NetworkPage,
  '/params': ParamsPage,
};

function Page({ pathname, search }: { pathname: string; search: URLSearchParams }) {
  if (pathname === '/') {
    const q = search.toString();
    return <Redirect to={`${MODULES[0]?.path ?? '/params'}${q ? `?${q}` : ''}`} />;
  }
  const Known = PAGES[pathname];
  if (Known) return <Known />;
  const module = MODULES.find((m) => m.path === pathname);
  if (module?.placeholder) return <PlaceholderPage title={module.nav} body={module.placeholder} />;
  return <NotFoundPage pathname={pathname} />;
}

export function App() {
  const { pathname, search } = useLocation();
  return (
    <Layout pathname={pathname} search={search}>
      <Page pathname={pathname} search={search} />
    </Layout>
  );
}
