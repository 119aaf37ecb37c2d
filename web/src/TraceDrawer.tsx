/**
 * The explanation of one figure: a drawer over the page's right side that loads
 * `/api/dashboard/:j/:y/trace/:id` and shows the rule, the parameters it used (value, jurisdiction,
 * effective date, reference), its steps (formula, value, unit) and the rules it called, collapsed.
 */
import { useEffect, useRef } from 'react';
import { dashboardApi, type Trace, type TraceParam, type TraceStep } from './api';
import { formatFigure } from './format';
import { useLang } from './lang';
import { DataTable } from './table';
import { BasisBadge, ErrorBox, FormattedView, Loading, ValueView } from './ui';
import { useApi } from './useApi';

function StepValue({ step }: { step: TraceStep }) {
  const { lang, t } = useLang();
  const v = step.value;
  if (typeof v === 'number') return <FormattedView f={step.unit ? formatFigure(v, step.unit, t, lang) : { text: String(v) }} />;
  if (typeof v === 'boolean') return <span className="value">{t(v ? 'flag.true' : 'flag.false')}</span>;
  if (v === null) return <span className="value muted">—</span>;
  return <code>{v}</code>;
}

/** A parameter's reference: basis, document number, title and a link to the text where there is one. */
function Reference({ p }: { p: TraceParam }) {
  const ref = p.reference;
  return (
    <>
      <BasisBadge basis={ref.basis} /> {ref.docNo && <span className="docno">{ref.docNo}</span>} {ref.title && <span className="muted">{ref.title}</span>}
      {ref.url && (
        <>
          {' '}
          <a href={ref.url} target="_blank" rel="noreferrer">
            ↗
          </a>
        </>
      )}
    </>
  );
}

function inputText(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function TraceBody({ trace, depth }: { trace: Trace; depth: number }) {
  const { t } = useLang();
  const inputs = Object.entries(trace.inputs ?? {});
  return (
    <div className="trace-body">
      {inputs.length > 0 && (
        <dl className="meta trace-inputs">
          {inputs.map(([k, v]) => (
            <div key={k} className="meta-row">
              <dt>{k}</dt>
              <dd>
                <code>{inputText(v)}</code>
              </dd>
            </div>
          ))}
        </dl>
      )}
      {trace.params.length > 0 && (
        <>
          <h3>{t('trace.params')}</h3>
          <DataTable
            rows={trace.params}
            rowKey={(p, i) => `${p.path}|${i}`}
            rowTestId="trace-param"
            className="trace-table"
            columns={[
              { head: t('trace.param'), cell: (p) => <code>{p.path}</code> },
              { head: t('detail.col.value'), num: true, cell: (p) => <ValueView value={p.value} unit={p.unit} /> },
              { head: t('detail.col.jurisdiction'), cell: (p) => p.jurisdiction },
              { head: t('detail.col.effectiveFrom'), testId: 'trace-param-date', cell: (p) => p.effectiveFrom },
              { head: t('detail.col.reference'), cell: (p) => <Reference p={p} /> },
            ]}
          />
        </>
      )}
      {trace.steps.length > 0 && (
        <>
          <h3>{t('trace.steps')}</h3>
          <DataTable
            rows={trace.steps}
            rowKey={(s, i) => `${s.name}|${i}`}
            rowTestId="trace-step"
            className="trace-table"
            columns={[
              {
                head: t('trace.step'),
                cell: (s) => (
                  <>
                    {s.name}
                    {s.note && <div className="muted step-note">{s.note}</div>}
                  </>
                ),
              },
              { head: t('trace.formula'), cell: (s) => s.formula && <code>{s.formula}</code> },
              { head: t('detail.col.value'), num: true, cell: (s) => <StepValue step={s} /> },
            ]}
          />
        </>
      )}
      {trace.children.length > 0 && (
        <>
          <h3>{t('trace.children', { n: trace.children.length })}</h3>
          {trace.children.map((c, i) => (
            <TraceNode key={`${c.rule}|${i}`} trace={c} depth={depth + 1} />
          ))}
        </>
      )}
    </div>
  );
}

/** A called rule, collapsed until opened. */
function TraceNode({ trace, depth }: { trace: Trace; depth: number }) {
  const { lang } = useLang();
  return (
    <details className="trace-child" data-testid="trace-child">
      <summary>
        {trace.label ? trace.label[lang] : trace.rule} <code className="muted">{trace.rule}</code>
      </summary>
      <TraceBody trace={trace} depth={depth} />
    </details>
  );
}

/**
 * The drawer of the trace `id` of a county-year's dashboard, or of a trace already at hand
 * (`given`: the care-network answers carry their traces in the body).
 */
export function TraceDrawer({ jurisdiction, year, id, given, onClose }: { jurisdiction: string; year: number; id: string; given?: Trace; onClose: () => void }) {
  const { lang, t } = useLang();
  const loaded = useApi(given ? null : `trace|${jurisdiction}|${year}|${id}`, () => dashboardApi.trace(jurisdiction, year, id));
  const trace: typeof loaded = given ? { state: 'ok', data: given } : loaded;
  const closeRef = useRef<HTMLButtonElement>(null);
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onCloseRef.current();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  return (
    <div className="drawer-backdrop" onClick={onClose}>
      <aside className="drawer" role="dialog" aria-modal="true" aria-label={t('trace.title')} data-testid="trace-drawer" onClick={(e) => e.stopPropagation()}>
        <div className="drawer-head">
          <span className="muted">{t('trace.title')}</span>
          <button ref={closeRef} type="button" className="link-button" data-testid="trace-close" onClick={onClose}>
            {t('trace.close')} ✕
          </button>
        </div>
        {!trace || trace.state === 'loading' ? (
          <Loading label={t('trace.loading')} />
        ) : trace.state === 'error' ? (
          <ErrorBox error={trace.error} />
        ) : (
          <>
            <h2 data-testid="trace-label">{trace.data.label ? trace.data.label[lang] : trace.data.rule}</h2>
            <p className="trace-rule">
              {t('trace.rule')} <code data-testid="trace-rule">{trace.data.rule}</code>
            </p>
            <TraceBody trace={trace.data} depth={0} />
          </>
        )}
      </aside>
    </div>
  );
}
