/**
 * 签约居民名单 — one family-doctor team's panel: its members, and its contracted residents (sex, age,
 * priority groups, packages, term, the contract renewed, services promised against delivered), by
 * person, a page at a time, optionally one priority group. The team and the group live in the URL.
 */
import { networkApi, type TeamPanelResponse } from '../../api';
import { Count, DataTable, Panel } from '../../dashboard';
import { formatPlain } from '../../format';
import { useApi } from '../../useApi';
import { NetworkLoaded, type NetworkContext } from './shared';
import { coded } from './codes';

const LIMIT = 50;
export const PRIORITY_GROUPS = ['elderly', 'hypertension', 'diabetes', 'children', 'pregnant'] as const;

type Row = TeamPanelResponse['rows'][number];

export function TeamPanel({ ctx, team }: { ctx: NetworkContext; team: string }) {
  const { jurisdiction, year, view, search, update } = ctx;
  const { t, lang } = view;
  const group = PRIORITY_GROUPS.find((g) => g === search.get('group')) ?? null;
  const offsetText = search.get('panelOffset') ?? '0';
  const offset = /^\d+$/.test(offsetText) ? Number(offsetText) : 0;
  const data = useApi(`panel|${jurisdiction}|${year}|${team}|${group ?? ''}|${offset}`, () => networkApi.teamPanel(jurisdiction, year, team, { group, limit: LIMIT, offset }));
  return (
    <NetworkLoaded data={data}>
      {(d) => (
        <Panel title={`${t('network.panel.title')} · ${lang === 'zh' ? d.team.nameZh : d.team.nameEn}`} wide>
          <p className="muted hint" data-testid="panel-members">
            {t('network.family.members')}: {d.team.members.map((m) => `${coded('network.teamRole', m.role, t)} ${m.staffId}`).join(' · ')}
          </p>
          <div className="filters">
            <label>
              {t('network.panel.group')}
              <select value={group ?? ''} data-testid="panel-group" onChange={(e) => update({ group: e.target.value || null, panelOffset: null })}>
                <option value="">{t('network.panel.allGroups')}</option>
                {PRIORITY_GROUPS.map((g) => (
                  <option key={g} value={g}>
                    {coded('network.group', g, t)}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="link-button" data-testid="panel-close" onClick={() => update({ team: null, group: null, panelOffset: null })}>
              {t('network.panel.close')}
            </button>
          </div>
          <DataTable
            rows={d.rows}
            rowKey={(r: Row) => r.contractId}
            rowTestId="panel-row"
            columns={[
              { head: t('network.panel.person'), cell: (r) => <code>{r.personId}</code> },
              { head: t('network.panel.sexAge'), cell: (r) => `${coded('network.sex', r.sex, t)} · ${r.age} ${t('unit.yearsOld')}` },
              { head: t('network.panel.groups'), cell: (r) => (r.groups.length ? r.groups.map((g) => coded('network.group', g, t)).join('、') : '—') },
              { head: t('network.panel.packages'), cell: (r) => r.packages.map((p) => p.label[lang]).join('、') },
              { head: t('network.panel.term'), cell: (r) => `${r.start} – ${r.end}` },
              { head: t('network.panel.renews'), cell: (r) => (r.renewalOf ? <code>{r.renewalOf}</code> : t('network.panel.newContract')) },
              { head: t('network.panel.services'), num: true, cell: (r) => <span title={r.services.map((s) => `${coded('network.service', s.service, t)} ${s.delivered}/${s.promised}`).join('; ')}><Count n={r.credited} unit={`/ ${formatPlain(r.promised)} ${t('unit.services')}`} /></span> },
              { head: t('network.panel.lastService'), cell: (r) => r.lastService ?? '—' },
            ]}
          />
          <div className="pager">
            <span data-testid="panel-count">{t('network.page', { from: d.total === 0 ? 0 : d.offset + 1, to: d.offset + d.rows.length, total: formatPlain(d.total) })}</span>
            <button type="button" className="link-button" disabled={d.offset === 0} onClick={() => update({ panelOffset: d.offset - LIMIT > 0 ? String(d.offset - LIMIT) : null })}>
              {t('network.prev')}
            </button>
            <button type="button" className="link-button" data-testid="panel-next" disabled={d.offset + d.rows.length >= d.total} onClick={() => update({ panelOffset: String(d.offset + LIMIT) })}>
              {t('network.next')}
            </button>
          </div>
        </Panel>
      )}
    </NetworkLoaded>
  );
}
