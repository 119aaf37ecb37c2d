/**
 * 签约居民名单 — a family-doctor team's panel for a built county-year: the residents it holds a
 * contract with (the team, its members and their roles; each contract with the person's sex and age,
 * its term, packages and the priority groups they serve, the contract it renews, and its services
 * promised against delivered by `packageFulfilment` of src/network/family-doctor.ts). Paged, ordered
 * by person; filtered by priority group through the group's package.
 */
import type { Bilingual } from '../rules/params.js';
import type { Queryable } from '../store/store.js';
import { ageOn } from '../network/common.js';
import { packageFulfilment, packageOf, PRIORITY_GROUPS, SERVICE_PACKAGES, type Contract, type PriorityGroup, type ServiceKind, type ServiceRecord } from '../network/family-doctor.js';

export class UnknownTeamError extends Error {
  constructor(readonly teamId: string, readonly jurisdiction: string, readonly year: number) {
    super(`no family-doctor team ${teamId} is stored for ${jurisdiction} ${year} (GET /api/network/${jurisdiction}/${year}/family-doctors lists the teams; sanyi network build makes them)`);
    this.name = 'UnknownTeamError';
  }
}

export interface PanelRow {
  contractId: string;
  personId: string;
  sex: string;
  /** Completed years (周岁) at the contract's start. */
  age: number;
  start: string;
  end: string;
  packages: Array<{ id: string; label: Bilingual }>;
  groups: PriorityGroup[];
  renewalOf: string | null;
  services: Array<{ service: ServiceKind; promised: number; delivered: number }>;
  promised: number;
  /** Delivered up to what was promised, summed over services. */
  credited: number;
  lastService: string | null;
}

export interface TeamPanel {
  jurisdiction: string;
  year: number;
  team: { id: string; nameZh: string; nameEn: string; institutionId: string; members: Array<{ staffId: string; role: string; title: string; institutionId: string }> };
  group: PriorityGroup | null;
  total: number;
  limit: number;
  offset: number;
  rows: PanelRow[];
}

/** The package that serves a priority group. */
function packageOfGroup(group: PriorityGroup): string {
  const p = SERVICE_PACKAGES.find((x) => x.for === group);
  if (!p) throw new Error(`no service package serves the priority group ${group}`);
  return p.id;
}

export async function teamPanel(q: Queryable, county: string, year: number, teamId: string, opts: { limit: number; offset: number; group?: PriorityGroup | undefined }): Promise<TeamPanel> {
  const [team] = await q.query<{ id: string; name_zh: string; name_en: string; institution_id: string }>('select id, name_zh, name_en, institution_id from network_teams where id = $1 and county_id = $2 and year = $3', [teamId, county, year]);
  if (!team) throw new UnknownTeamError(teamId, county, year);
  const members = await q.query<{ staff_id: string; role: string; title: string; institution_id: string }>('select staff_id, role, title, institution_id from network_team_members where team_id = $1 order by role, staff_id', [teamId]);
  const group = opts.group ?? null;
  const filter = group ? ` and ('|' || c.package_ids || '|') like $4` : '';
  const args: unknown[] = [teamId, county, year, ...(group ? [`%|${packageOfGroup(group)}|%`] : [])];
  const [count] = await q.query<{ n: number }>(`select count(*)::int as n from network_contracts c where c.team_id = $1 and c.county_id = $2 and c.year = $3${filter}`, args);
  const page = await q.query<{ id: string; person_id: string; start_date: string; end_date: string; package_ids: string; renewal_of: string | null; sex: string; birth_date: string }>(
    `select c.id, c.person_id, c.start_date::text, c.end_date::text, c.package_ids, c.renewal_of, r.sex, r.birth_date::text
       from network_contracts c join residents r on r.id = c.person_id::bigint
      where c.team_id = $1 and c.county_id = $2 and c.year = $3${filter}
      order by c.person_id::bigint limit ${opts.limit | 0} offset ${opts.offset | 0}`,
    args,
  );
  const ids = page.map((c) => c.id);
  const services = ids.length
    ? await q.query<{ person_id: string; service: string; date: string; institution_id: string | null; contract_id: string }>(
        `select person_id, service, date::text, institution_id, contract_id from network_services where county_id = $1 and year = $2 and contract_id in (${ids.map((_, i) => `$${i + 3}`).join(', ')}) order by date`,
        [county, year, ...ids],
      )
    : [];
  const contracts: Contract[] = page.map((c) => ({ id: c.id, personId: c.person_id, teamId, start: c.start_date, end: c.end_date, packageIds: c.package_ids.split('|'), ...(c.renewal_of ? { renewalOf: c.renewal_of } : {}) }));
  const records: ServiceRecord[] = services.map((s) => ({ personId: s.person_id, service: s.service as ServiceKind, date: s.date, contractId: s.contract_id, ...(s.institution_id ? { institutionId: s.institution_id } : {}) }));
  const fulfilment = new Map(packageFulfilment(contracts, records, { start: `${year}-01-01`, end: `${year}-12-31` }).contracts.map((f) => [f.contractId, f]));
  const last = new Map<string, string>();
  for (const s of services) last.set(s.contract_id, s.date);
  const groupOf = new Map(SERVICE_PACKAGES.filter((p) => p.for !== 'all').map((p) => [p.id, p.for as PriorityGroup]));
  const rows: PanelRow[] = page.map((c, i) => {
    const contract = contracts[i]!;
    const items = fulfilment.get(c.id)?.items ?? [];
    return {
      contractId: c.id,
      personId: c.person_id,
      sex: c.sex,
      age: ageOn(c.birth_date, c.start_date),
      start: c.start_date,
      end: c.end_date,
      packages: contract.packageIds.map((id) => ({ id, label: packageOf(id).label })),
      groups: PRIORITY_GROUPS.filter((g) => contract.packageIds.some((id) => groupOf.get(id) === g)),
      renewalOf: c.renewal_of,
      services: items.map((it) => ({ service: it.service, promised: it.promised, delivered: it.delivered })),
      promised: items.reduce((a, it) => a + it.promised, 0),
      credited: items.reduce((a, it) => a + it.credited, 0),
      lastService: last.get(c.id) ?? null,
    };
  });
  return {
    jurisdiction: county,
    year,
    team: { id: team.id, nameZh: team.name_zh, nameEn: team.name_en, institutionId: team.institution_id, members: members.map((m) => ({ staffId: m.staff_id, role: m.role, title: m.title, institutionId: m.institution_id })) },
    group,
    total: count?.n ?? 0,
    limit: opts.limit,
    offset: opts.offset,
    rows,
  };
}
