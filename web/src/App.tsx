import { Layout } from './Layout';
import { ParamsPage } from './pages/ParamsPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PlaceholderPage } from './pages/PlaceholderPage';
import { MODULES } from './routes';
import { Redirect, useLocation } from './router';

function Page({ pathname }: { pathname: string }) {
  if (pathname === '/') return <Redirect to="/params" />;
  if (pathname === '/params') return <ParamsPage />;
  const module = MODULES.find((m) => m.path === pathname);
  if (module?.placeholder) return <PlaceholderPage title={module.nav} body={module.placeholder} />;
  return <NotFoundPage pathname={pathname} />;
}

export function App() {
  const { pathname } = useLocation();
  return (
    <Layout pathname={pathname}>
      <Page pathname={pathname} />
    </Layout>
  );
}
