import type { MessageKey } from '../i18n';
import { useLang } from '../lang';

export function PlaceholderPage({ title, body }: { title: MessageKey; body: MessageKey }) {
  const { t } = useLang();
  return (
    <section className="page placeholder" data-testid="placeholder">
      <h1>
        {t(title)} <span className="tag">{t('placeholder.status')}</span>
      </h1>
      <p>{t(body)}</p>
    </section>
  );
}
