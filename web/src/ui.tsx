/** Small display pieces shared by the pages. */
import type { ApiError, Basis, ParamValue, Scale, Unit } from './api';
import { formatNumber, formatValue, type Formatted } from './format';
import { useLang } from './lang';
import { DataTable } from './table';

export function FormattedView({ f, testId }: { f: Formatted; testId?: string }) {
  return (
    <span className="value" data-testid={testId}>
      {f.code ? <code>{f.text}</code> : f.text}
      {f.unit && <span className="unit">{f.unit}</span>}
    </span>
  );
}

export function ValueView({ value, unit, testId }: { value: ParamValue; unit: Unit; testId?: string }) {
  const { t } = useLang();
  return <FormattedView f={formatValue(value, unit, t)} testId={testId} />;
}

export function Loading({ label }: { label: string }) {
  return (
    <div className="loading" role="status" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function ErrorBox({ error }: { error: ApiError }) {
  const { t } = useLang();
  let message: string;
  if (error.status === 0) message = t('error.network', { message: error.message });
  else if (error.code === 'bad_body') message = t('error.badBody', { status: error.status });
  else message = `HTTP ${error.status} · ${error.code}: ${error.message}`;
  return (
    <div className="error" role="alert" data-testid="error">
      <strong>{t('error.title')}</strong> {message}
    </div>
  );
}

export function BasisBadge({ basis }: { basis: Basis }) {
  const { t } = useLang();
  return (
    <span className={`badge badge-${basis}`} title={t(`basis.${basis}.title`)} data-testid="basis">
      {t(`basis.${basis}`)}
    </span>
  );
}

export function ScaleTable({ scale, unit }: { scale: Scale; unit: Unit }) {
  const { t } = useLang();
  const base = scale.base;
  return (
    <div className="scale" data-testid="scale">
      <p className="muted">{t(`scale.${scale.type}`)}</p>
      <DataTable
        rows={scale.brackets}
        rowKey={(b) => String(b.threshold)}
        className=""
        columns={[
          { head: t('scale.threshold', { unit: base ? t(`unit.${base}`) : '—' }), num: true, cell: (b) => (base ? <FormattedView f={formatNumber(b.threshold, base, t)} /> : b.threshold) },
          { head: t('scale.value', { unit: t(`unit.${unit}`) }), num: true, cell: (b) => <FormattedView f={formatNumber(b.value, unit, t)} /> },
        ]}
      />
    </div>
  );
}
