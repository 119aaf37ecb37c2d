import { useLang } from '../lang';

export function NotFoundPage({ pathname }: { pathname: string }) {
  const { t } = useLang();
  return (
    <section className="page" data-testid="not-found">
      <h1>{t('notFound.title')}</h1>
      <p>{t('notFound.body', { path: pathname })}</p>
    </section>
  );
}
