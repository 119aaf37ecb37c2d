/** One parameter: its value in force with where it comes from, its reference, and every dated value. */
import type { DatedValue, ParamDefinition, ParamDetailResponse, Provenance, Reference, ResolvedParam } from '../api';
import { api } from '../api';
import { asText, formatNumber } from '../format';
import { useLang, type Translate } from '../lang';
import { chainOf, type JurisdictionIndex } from '../jurisdictions';
import { BasisBadge, ErrorBox, Loading, ScaleTable, ValueView } from '../ui';
import { useApi } from '../useApi';

export function ParamDetail({
  path,
  resolved,
  date,
  jurisdiction,
  jurisdictions,
}: {
  path: string;
  /** The parameter as resolved at `date` in `jurisdiction`; undefined while that loads, null if it failed. */
  resolved: ResolvedParam | null | undefined;
  date: string;
  jurisdiction: string;
  jurisdictions: JurisdictionIndex;
}) {
  const { lang, t } = useLang();
  const detail = useApi(path, () => api.param(path));
  const name = (id: string) => jurisdictions.get(id)?.name[lang] ?? id;

  if (!detail || detail.state === 'loading') return <Loading label={t('detail.loading')} />;
  if (detail.state === 'error') return <ErrorBox error={detail.error} />;
  const d = detail.data;
  const other = lang === 'zh' ? 'en' : 'zh';
  const description = d.description?.[lang] ?? d.description?.[other];

  return (
    <article className="detail" data-testid="param-detail">
      <header className="detail-head">
        <h2 data-testid="detail-label">{d.label[lang]}</h2>
        <div className="label-other" lang={other === 'zh' ? 'zh-CN' : 'en'}>
          {d.label[other]}
        </div>
        <dl className="meta">
          <dt>{t('detail.path')}</dt>
          <dd>
            <code data-testid="detail-path">{d.path}</code>
          </dd>
          <dt>{t('detail.unit')}</dt>
          <dd>
            {t(`unit.${d.unit}`)} <code className="muted">{d.unit}</code>
          </dd>
          <dt>{t('detail.kind')}</dt>
          <dd>{t(`detail.kind.${d.kind}`)}</dd>
        </dl>
        {description && <p className="description">{description}</p>}
      </header>

      {resolved === undefined ? (
        <Loading label={t('params.loading')} />
      ) : (
        resolved && <InForce resolved={resolved} date={date} jurisdictionName={name(jurisdiction)} name={name} />
      )}

      <section>
        <h3>{t('detail.timeline')}</h3>
        <Timeline detail={d} date={date} chain={chainOf(jurisdiction, jurisdictions).map((j) => j.id)} provenance={resolved?.provenance ?? null} name={name} />
      </section>
    </article>
  );
}

function InForce({ resolved, date, jurisdictionName, name }: { resolved: ResolvedParam; date: string; jurisdictionName: string; name: (id: string) => string }) {
  const { t } = useLang();
  const { value, provenance, unit } = resolved;
  return (
    <section className="in-force">
      <div className="caption">{t('detail.valueAt', { date, jurisdiction: jurisdictionName })}</div>
      {value === null || provenance === null ? (
        <div className="undefined" data-testid="resolved-value">
          <strong>{t('params.undefined')}</strong> — {t('params.undefinedLong')}
        </div>
      ) : (
        <>
          <div className="big-value">
            {typeof value === 'object' ? <ScaleTable scale={value} unit={unit} /> : <ValueView value={value} unit={unit} testId="resolved-value" />}
          </div>
          <div className="provenance" data-testid="provenance">
            {t('detail.from', { jurisdiction: name(provenance.jurisdiction), date: provenance.effectiveFrom })}
          </div>
          <div className="file muted">
            {t('detail.file')} <code>{provenance.file}</code>
          </div>
          <ReferenceView reference={provenance.reference} />
        </>
      )}
    </section>
  );
}

function ReferenceView({ reference }: { reference: Reference }) {
  const { t } = useLang();
  return (
    <div className="reference" data-testid="reference">
      <span className="reference-head">
        {t('detail.reference')} <BasisBadge basis={reference.basis} />
      </span>
      <dl className="meta">
        {reference.docNo && (
          <>
            <dt>{t('detail.docNo')}</dt>
            <dd>{reference.docNo}</dd>
          </>
        )}
        {reference.title && (
          <>
            <dt>{t('detail.docTitle')}</dt>
            <dd>{reference.title}</dd>
          </>
        )}
        {reference.url && (
          <>
            <dt>{t('detail.link')}</dt>
            <dd>
              <a href={reference.url} target="_blank" rel="noreferrer">
                {reference.url}
              </a>
            </dd>
          </>
        )}
        {reference.reason && (
          <>
            <dt>{t('detail.reason')}</dt>
            <dd>{reference.reason}</dd>
          </>
        )}
      </dl>
    </div>
  );
}

type RowStatus =
  | { kind: 'inForce' | 'future' | 'superseded' | 'withdrawn' | 'outsideChain' }
  | { kind: 'overridden'; by: string };

/** Why a dated value does or does not apply at `date` in the chosen chain. */
function rowStatus(def: ParamDefinition, dv: DatedValue, date: string, chain: readonly string[], provenance: Provenance | null): RowStatus {
  if (!chain.includes(def.jurisdiction)) return { kind: 'outsideChain' };
  if (dv.effectiveFrom > date) return { kind: 'future' };
  const current = def.values.filter((v) => v.effectiveFrom <= date).at(-1);
  if (dv !== current) return { kind: 'superseded' };
  if (dv.value === null) return { kind: 'withdrawn' };
  if (provenance?.jurisdiction === def.jurisdiction && provenance.effectiveFrom === dv.effectiveFrom) return { kind: 'inForce' };
  return provenance ? { kind: 'overridden', by: provenance.jurisdiction } : { kind: 'superseded' };
}

function statusText(s: RowStatus, t: Translate, name: (id: string) => string): string {
  switch (s.kind) {
    case 'inForce':
      return t('detail.status.inForce');
    case 'future':
      return t('detail.status.future');
    case 'superseded':
      return t('detail.status.superseded');
    case 'withdrawn':
      return t('detail.status.withdrawn');
    case 'outsideChain':
      return t('detail.status.outsideChain');
    case 'overridden':
      return t('detail.status.overridden', { jurisdiction: name(s.by) });
  }
}

function Timeline({
  detail,
  date,
  chain,
  provenance,
  name,
}: {
  detail: ParamDetailResponse;
  date: string;
  chain: readonly string[];
  provenance: Provenance | null;
  name: (id: string) => string;
}) {
  const { t } = useLang();
  return (
    <table className="grid timeline" data-testid="timeline">
      <thead>
        <tr>
          <th>{t('detail.col.jurisdiction')}</th>
          <th>{t('detail.col.effectiveFrom')}</th>
          <th className="num">{t('detail.col.value')}</th>
          <th>{t('detail.col.status')}</th>
          <th>{t('detail.col.reference')}</th>
        </tr>
      </thead>
      {detail.definitions.map((def) => (
        <tbody key={def.jurisdiction} className={chain.includes(def.jurisdiction) ? undefined : 'outside-chain'}>
          {def.values.map((dv, i) => {
            const status = rowStatus(def, dv, date, chain, provenance);
            const reference = dv.reference ?? def.reference;
            return (
              <tr key={dv.effectiveFrom} className={`status-${status.kind}`} data-testid={status.kind === 'inForce' ? 'timeline-in-force' : undefined}>
                {i === 0 && (
                  <th scope="rowgroup" rowSpan={def.values.length} title={def.file}>
                    {name(def.jurisdiction)}
                  </th>
                )}
                <td>
                  <time dateTime={dv.effectiveFrom}>{dv.effectiveFrom}</time>
                </td>
                <td className="num">{dv.value === null ? <span className="muted">{t('detail.withdrawn')}</span> : <TimelineValue value={dv.value} unit={detail.unit} />}</td>
                <td>{statusText(status, t, name)}</td>
                <td title={reference.reason ?? reference.title}>
                  <BasisBadge basis={reference.basis} /> {reference.docNo}
                </td>
              </tr>
            );
          })}
        </tbody>
      ))}
    </table>
  );
}

/** A dated value in a table cell; a scale as its brackets on one line ("≥1: ×1 · ≥2: ×0.5"). */
function TimelineValue({ value, unit }: { value: NonNullable<DatedValue['value']>; unit: ResolvedParam['unit'] }) {
  const { t } = useLang();
  if (typeof value !== 'object') return <ValueView value={value} unit={unit} />;
  return (
    <span className="value">
      {value.brackets
        .map((b) => {
          const threshold = value.base ? asText(formatNumber(b.threshold, value.base, t)) : String(b.threshold);
          return `≥${threshold}: ${asText(formatNumber(b.value, unit, t))}`;
        })
        .join(' · ')}
    </span>
  );
}
