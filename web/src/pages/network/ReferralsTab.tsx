/**
 * An institution's referral inbox (referrals to it) or outbox (from it) of the page's year (requested
 * in it, China time), by state, with the moves it may make as buttons. A move posts the referral's version as read; when someone moved it first the
 * server answers 409, the page says so and reloads the list.
 */
import { useState } from 'react';
import { ApiError, networkApi, REFERRAL_STATES, type AllowedAction, type Referral, type ReferralEvent, type ReferralState } from '../../api';
import { DataTable, Panel } from '../../dashboard';
import { formatPlain } from '../../format';
import { careLevel } from '../../labels';
import { useApi } from '../../useApi';
import { NetworkLoaded, type NetworkContext } from './shared';
import { coded } from './codes';

const LIMIT = 50;

/** An instant as date and minute in China time (the county's; the server sends ISO instants). */
const CHINA_TIME = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : CHINA_TIME.format(d);
}

/** A referral's history: each move with its time, actor, reason and the encounter it linked. */
function History({ jurisdiction, id, version, ctx }: { jurisdiction: string; id: string; version: number; ctx: NetworkContext }) {
  const { t } = ctx.view;
  const data = useApi(`referral|${jurisdiction}|${id}|${version}`, () => networkApi.referral(jurisdiction, id));
  return (
    <NetworkLoaded data={data}>
      {(d) => (
        <DataTable
          rows={d.events}
          rowKey={(e: ReferralEvent) => String(e.seq)}
          rowTestId="history-event"
          className="data-table history"
          testId="referral-history"
          columns={[
            { head: '#', num: true, cell: (e) => e.seq },
            { head: t('network.history.action'), cell: (e) => coded('network.action', e.action, t) },
            { head: t('network.state'), cell: (e) => `${e.from ? `${coded('network.state', e.from, t)} → ` : ''}${coded('network.state', e.to, t)}` },
            { head: t('network.history.at'), cell: (e) => when(e.at) },
            {
              head: t('network.history.actor'),
              cell: (e) => (
                <>
                  <code>{e.actor.id}</code> ({coded('network.actor', e.actor.kind, t)}
                  {e.actor.institutionId ? ` · ${ctx.view.names.get(e.actor.institutionId) ?? e.actor.institutionId}` : ''})
                </>
              ),
            },
            { head: t('network.reason'), className: () => 'wrap', cell: (e) => e.reason ?? '—' },
            { head: t('network.history.encounter'), cell: (e) => (e.encounterId ? <code>{e.encounterId}</code> : '—') },
          ]}
        />
      )}
    </NetworkLoaded>
  );
}

export function ReferralsTab({ ctx }: { ctx: NetworkContext }) {
  const { jurisdiction, year, search, update } = ctx;
  const { t, lang } = ctx.view;
  const institution = ctx.view.filters.institution;
  const box = search.get('box') === 'outbox' ? 'outbox' : 'inbox';
  const state: ReferralState | null = REFERRAL_STATES.find((s) => s === search.get('state')) ?? null;
  const offsetText = search.get('offset') ?? '0';
  const offset = /^\d+$/.test(offsetText) ? Number(offsetText) : 0;
  const [reload, setReload] = useState(0);
  // 操作人: who acts for the institution — one of its staff (the server refuses anyone else); for a
  // partner outside the county, whose staff the county does not hold, a typed id.
  const [actor, setActor] = useState('');
  const [notice, setNotice] = useState<{ kind: 'ok' | 'stale' | 'error'; text: string } | null>(null);
  const [pending, setPending] = useState<{ id: string; action: AllowedAction } | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [opened, setOpened] = useState<string | null>(null);
  // The referrals requested in the page's year (China time): the ones its flows count.
  const key = institution ? `referrals|${jurisdiction}|${institution}|${box}|${state ?? ''}|${year}|${offset}|${reload}` : null;
  const data = useApi(key, () => networkApi.referrals(jurisdiction, { institution: institution ?? '', box, state, year, limit: LIMIT, offset }));
  const staff = useApi(institution ? `staff|${jurisdiction}|${institution}` : null, () => networkApi.staff(jurisdiction, institution ?? ''));
  const roster = staff?.state === 'ok' ? staff.data.staff : [];
  const acting = roster.find((s) => s.id === actor) ?? roster.find((s) => s.doctor) ?? roster[0];
  // The party the chosen institution is in this box: it receives its inbox and sends its outbox.
  const party = box === 'inbox' ? 'receiver' : 'sender';

  async function move(r: Referral, a: AllowedAction, why: string) {
    if (!institution) return;
    setBusy(true);
    try {
      const after = await networkApi.move(jurisdiction, r.id, { action: a.action, expectedVersion: r.version, actor: acting ? { kind: acting.doctor ? 'doctor' : 'staff', id: acting.id, institutionId: institution } : { kind: a.doctorOnly ? 'doctor' : 'staff', id: actor.trim(), institutionId: institution }, ...(why.trim() ? { reason: why.trim() } : {}) });
      setNotice({ kind: 'ok', text: t('network.moved', { id: r.id, action: `${a.label[lang]} → ${coded('network.state', after.state, t)}` }) });
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(0, 'client', String(e));
      setNotice(error.status === 409 ? { kind: 'stale', text: t('network.stale', { message: error.message }) } : { kind: 'error', text: t('network.refused', { message: `${error.status} ${error.message}` }) });
    } finally {
      setBusy(false);
      setPending(null);
      setReason('');
      setReload((n) => n + 1);
    }
  }

  if (!institution) {
    return (
      <p className="notice" data-testid="choose-institution">
        {t('network.chooseInstitution')}
      </p>
    );
  }

  const actionCell = (r: Referral) => {
    const mine = r.allowedActions.filter((a) => a.party === party);
    if (mine.length === 0) return <span className="muted">{t('network.noActions')}</span>;
    if (pending?.id === r.id) {
      const a = pending.action;
      const needed = a.reason === 'required';
      return (
        <form
          className="action-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!needed || reason.trim()) void move(r, a, reason);
          }}
        >
          <input value={reason} placeholder={needed ? t('network.reasonRequired') : t('network.reason')} data-testid="action-reason" onChange={(e) => setReason(e.target.value)} />
          <button type="submit" className="action-button" disabled={busy || (needed && !reason.trim())} data-testid="action-confirm">
            {t('network.confirm')}
          </button>
          <button type="button" className="link-button" onClick={() => setPending(null)}>
            {t('network.cancelEdit')}
          </button>
        </form>
      );
    }
    return mine.map((a) => (
      <button
        key={a.action}
        type="button"
        className="action-button"
        disabled={busy}
        data-testid={`action-${a.action}`}
        title={a.doctorOnly ? t('network.actingAsHint') : undefined}
        onClick={() => (a.reason === 'none' || a.reason === 'optional' ? void move(r, a, '') : setPending({ id: r.id, action: a }))}
      >
        {a.label[lang]}
      </button>
    ));
  };

  return (
    <>
      <div className="network-controls">
        <label>
          {t('network.box')}
          <select value={box} data-testid="box-select" onChange={(e) => update({ box: e.target.value === 'outbox' ? 'outbox' : null, offset: null })}>
            <option value="inbox">{t('network.inbox')}</option>
            <option value="outbox">{t('network.outbox')}</option>
          </select>
        </label>
        <label>
          {t('network.state')}
          <select value={state ?? ''} data-testid="state-select" onChange={(e) => update({ state: e.target.value || null, offset: null })}>
            <option value="">{t('network.allStates')}</option>
            {REFERRAL_STATES.map((s) => {
              const n = data?.state === 'ok' ? (data.data.counts[s] ?? 0) : null;
              return (
                <option key={s} value={s}>
                  {coded('network.state', s, t)}
                  {n === null ? '' : ` (${formatPlain(n)})`}
                </option>
              );
            })}
          </select>
        </label>
        <label title={t('network.actingAsHint')}>
          {t('network.actingAs')}
          {roster.length > 0 ? (
            <select value={acting?.id ?? ''} data-testid="actor-select" onChange={(e) => setActor(e.target.value)}>
              {roster.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.id} · {coded('network.role', s.role, t)}
                </option>
              ))}
            </select>
          ) : (
            <input value={actor} data-testid="actor-input" placeholder={t('network.actorOutside')} onChange={(e) => setActor(e.target.value)} style={{ width: '8em' }} />
          )}
        </label>
      </div>
      {notice && (
        <p className={notice.kind === 'ok' ? 'notice-ok' : notice.kind === 'stale' ? 'notice-stale' : 'error'} data-testid={`move-${notice.kind}`} role="status">
          {notice.text}
        </p>
      )}
      <NetworkLoaded data={data}>
        {(d) => (
          <Panel title={`${box === 'inbox' ? t('network.inbox') : t('network.outbox')} · ${ctx.view.names.get(institution) ?? institution} · ${t('network.requestedIn', { year })}`} wide>
            <DataTable
              rows={d.referrals}
              rowKey={(r) => r.id}
              rowTestId="referral-row"
              rowData={(r) => ({ 'data-referral': r.id, 'data-state': r.state })}
              detail={(r) => (opened === r.id ? <History jurisdiction={jurisdiction} id={r.id} version={r.version} ctx={ctx} /> : null)}
              columns={[
                {
                  head: t('network.referral'),
                  cell: (r) => (
                    <button type="button" className="link-button" data-testid="referral-history-toggle" aria-expanded={opened === r.id} title={t('network.history.title')} onClick={() => setOpened(opened === r.id ? null : r.id)}>
                      {opened === r.id ? '▾' : '▸'} <code>{r.id}</code>
                    </button>
                  ),
                },
                { head: t('network.person'), cell: (r) => <code>{r.personId}</code> },
                { head: t('network.disease'), title: (r) => r.diseaseId ?? undefined, cell: (r) => (r.disease ? r.disease[lang] : (r.diseaseId ?? '—')) },
                {
                  head: t('network.fromTo'),
                  cell: (r) => `${lang === 'zh' ? r.from.nameZh : r.from.nameEn} (${careLevel(r.from.level, t)}) → ${lang === 'zh' ? r.to.nameZh : r.to.nameEn} (${careLevel(r.to.level, t)})`,
                },
                { head: t('network.direction'), cell: (r) => `${coded('network.direction', r.direction, t)} · ${coded('network.scope', r.scope, t)}` },
                {
                  head: t('network.state'),
                  cell: (r) => (
                    <span className="state-tag" data-testid="referral-state">
                      {coded('network.state', r.state, t)}
                    </span>
                  ),
                },
                { head: t('network.requestedAt'), cell: (r) => when(r.requestedAt) },
                { head: t('network.deadline'), cell: (r) => (r.deadline ? when(r.deadline.at) : '—') },
                { head: t('network.actions'), cell: (r) => actionCell(r) },
              ]}
            />
            <div className="pager">
              <span data-testid="referral-count">{t('network.page', { from: d.total === 0 ? 0 : d.offset + 1, to: d.offset + d.referrals.length, total: formatPlain(d.total) })}</span>
              <button type="button" className="link-button" disabled={d.offset === 0} onClick={() => update({ offset: d.offset - LIMIT > 0 ? String(d.offset - LIMIT) : null })}>
                {t('network.prev')}
              </button>
              <button type="button" className="link-button" disabled={d.offset + d.referrals.length >= d.total} onClick={() => update({ offset: String(d.offset + LIMIT) })}>
                {t('network.next')}
              </button>
            </div>
          </Panel>
        )}
      </NetworkLoaded>
    </>
  );
}
