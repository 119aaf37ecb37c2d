/**
 * Typed access to the sanyi HTTP API. The shapes mirror the server's response schemas
 * (src/server/app.ts); a non-2xx answer becomes an `ApiError` carrying the server's message.
 */

export interface Bilingual {
  zh: string;
  en: string;
}

export type Unit =
  | 'fen'
  | 'ratio'
  | 'coefficient'
  | 'count'
  | 'days'
  | 'hours'
  | 'months'
  | 'years'
  | 'points'
  | 'per_1000'
  | 'per_capita'
  | 'km'
  | 'utility'
  | 'enum'
  | 'flag';

export type JurisdictionLevel = 'national' | 'province' | 'region' | 'county';

export interface Jurisdiction {
  id: string;
  parent: string | null;
  level: JurisdictionLevel;
  name: Bilingual;
  adcode: string | null;
}

export type Basis = 'source' | 'reported' | 'default';

export interface Reference {
  basis: Basis;
  docNo?: string;
  title?: string;
  url?: string;
  reason?: string;
}

export interface Scale {
  type: 'single_amount' | 'marginal_rate';
  base?: Unit;
  brackets: Array<{ threshold: number; value: number }>;
}

export type ParamValue = number | string | boolean | Scale;

export interface Provenance {
  file: string;
  jurisdiction: string;
  effectiveFrom: string;
  reference: Reference;
}

interface ParamHeader {
  path: string;
  label: Bilingual;
  description?: Partial<Bilingual>;
  unit: Unit;
  kind: 'value' | 'scale';
}

export interface ResolvedParam extends ParamHeader {
  /** null with provenance null: no jurisdiction in the chain sets a value at the date. */
  value: ParamValue | null;
  provenance: Provenance | null;
}

export interface ParamsResponse {
  date: string;
  jurisdiction: string;
  version: string;
  params: ResolvedParam[];
}

export interface DatedValue {
  effectiveFrom: string;
  /** null: the jurisdiction stops setting the parameter from this date. */
  value: ParamValue | null;
  reference?: Reference;
}

export interface ParamDefinition {
  jurisdiction: string;
  file: string;
  reference: Reference;
  values: DatedValue[];
}

export interface ParamDetailResponse extends ParamHeader {
  /** Most general jurisdiction first. */
  definitions: ParamDefinition[];
}

export interface Health {
  status: 'ok';
  version: string;
  paramVersion: string;
  database: { backend: 'pglite' | 'postgres' };
}

/** A failed request: an HTTP error with the server's `{ error, message }`, or no answer at all (status 0). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(url: string, init?: { method: 'POST'; body: unknown }): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, init ? { method: init.method, headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(init.body) } : { headers: { accept: 'application/json' } });
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(res.status, 'bad_body', '');
  }
  if (!res.ok) {
    const err = body as Partial<{ error: string; message: string }>;
    throw new ApiError(res.status, err.error ?? 'http_error', err.message ?? res.statusText);
  }
  return body as T;
}

export const api = {
  health: () => getJson<Health>('/api/health'),
  jurisdictions: () => getJson<{ jurisdictions: Jurisdiction[] }>('/api/jurisdictions').then((r) => r.jurisdictions),
  params: (date: string, jurisdiction: string) =>
    getJson<ParamsResponse>(`/api/params?${new URLSearchParams({ date, jurisdiction }).toString()}`),
  param: (path: string) => getJson<ParamDetailResponse>(`/api/params/${encodeURIComponent(path)}`),
};

// ---------------------------------------------------------------------------------------------
// The dashboard (docs/dashboard.md): pre-aggregated snapshots of a county-year. Money is fen,
// shares are ratios (0–1); the pages format them.

/** One figure with its unit; `trace` opens its explanation at /api/dashboard/:j/:y/trace/:id. */
export interface Figure {
  id: string;
  label: Bilingual;
  value: number | null;
  unit: Unit;
  trace?: string;
}

/** An institution's or product's name: both languages (a plain string from older snapshots). */
export type Name = Bilingual | string;

export interface OverviewResponse {
  jurisdiction: string;
  year: number;
  paramVersion: string;
  seed: string | number | null;
  /** false: the linkage of the year has not been computed, so the loop has no figures. */
  linkage?: boolean;
  loop: Figure[];
  headline: Figure[];
}

export interface FundMonth {
  month: string;
  budgetFen: number;
  chargedFen: number;
  inCountyFen: number;
  outOfCountyFen: number;
  pharmacyFen: number;
  cumulativeBalanceFen: number;
  /** The traces of the month's figures: the year's package budget and settlement (no trace per month is stored). */
  trace?: { budget?: string; charged?: string; balance?: string };
}

export interface FundResponse {
  figures: Figure[];
  months: FundMonth[];
  outOfCounty: Array<{ institutionId: string; name: Name; fundFen: number; cases: number; inpatientCases?: number }>;
}

export interface HospitalRow {
  id: string;
  name: Name;
  level: string | null;
  inCounty: boolean;
  revenue: { totalFen: number | null; drugFen: number | null; consumableFen: number | null; examLabFen: number | null; serviceFen: number | null };
  cmi: number | null;
  costIndex: number | null;
  timeIndex: number | null;
  drgCases: number;
  drgPaymentFen: number | null;
  drgChargesFen: number | null;
  /** Trace ids: the indicator traces of CMI and the indices, the year's DRG payment tables. */
  trace?: { cmi?: string; costIndex?: string; timeIndex?: string; drgPayment?: string };
}

/** A page narrowed to one institution (`?institution=`); `empty`: it has no rows on this page. */
export interface InstitutionPart {
  institution?: { id: string; name: Name };
  empty?: boolean;
}

export interface HospitalsResponse extends InstitutionPart {
  institutions: HospitalRow[];
}

export interface ProcurementResponse extends InstitutionPart {
  figures: Figure[];
  months: Array<{ month: string; completion: number | null; timeProgress: number | null }>;
  products: Array<{
    id: string;
    kind?: string;
    name: Name;
    batch: string;
    agreedQty: number;
    purchasedQty: number;
    completion: number | null;
    timeProgress: number | null;
    savingFen: number;
    alert: boolean;
    /** Institutions whose agreement for the product is behind time progress. */
    alerts?: number;
    trace?: string;
  }>;
}

export interface PricesResponse {
  adopted?: boolean;
  reasons?: string[];
  figures: Figure[];
  items: Array<{ serviceId: string; name: Name; level: string; category: string; oldFen: number; newFen: number; changeRate: number | null; quantity?: number; revenueChangeFen?: number; trace?: string }>;
  impact: Array<{ institutionId: string; name: Name; revenueChangeFen: number; fundChangeFen: number; patientChangeFen: number; trace?: string }>;
}

export interface SalaryResponse extends InstitutionPart {
  figures: Figure[];
  institutions: Array<{
    id: string;
    name: Name;
    tier: string;
    msrFen: number;
    budgetFen: number;
    paidFen: number;
    staff: number;
    leadersFen: number;
    score?: number | null;
    trace?: { budget?: string; leaders?: string; distribution?: string };
  }>;
  distribution: Array<{ fromFen: number; toFen: number; count: number }>;
}

/** A target: one value, or a range for indicators whose direction is `range`. */
export type Target = number | { min?: number; max?: number } | null;

export interface IndicatorRow {
  id: string;
  label: Bilingual;
  set: string | null;
  unit: string | null;
  factor: number | null;
  value: number | null;
  target: Target;
  direction: string | null;
  met: boolean | null;
  numerator: number | null;
  denominator: number | null;
  reason?: string;
  trend: Array<{ year: number; value: number | null }>;
  trace?: string;
}

export interface IndicatorsResponse extends InstitutionPart {
  indicators: IndicatorRow[];
  assessment: {
    scheme?: string;
    score: number | null;
    items: Array<{ indicator: string; weight: number; points: number; value: number | null; reason?: string }>;
    trace?: string;
  } | null;
}

export interface FindingsResponse {
  total?: number;
  rules: Array<{ ruleId: string; label?: Bilingual; count: number; amountFen: number }>;
  findings: Array<{ seq: number; ruleId: string; ruleLabel?: Bilingual; institutionId: string | null; name?: Name | null; personId: string | number | null; amountFen: number; firstDate: string | null; lastDate: string | null }>;
}

export interface TraceParam {
  path: string;
  value: ParamValue;
  unit: Unit;
  jurisdiction: string;
  effectiveFrom: string;
  file: string;
  reference: Reference;
}

export interface TraceStep {
  name: string;
  value: number | string | boolean | null;
  unit?: Unit;
  formula?: string;
  note?: string;
}

export interface Trace {
  rule: string;
  label?: Bilingual;
  inputs: Record<string, unknown>;
  params: TraceParam[];
  steps: TraceStep[];
  children: Trace[];
  result?: unknown;
}

export interface DashboardPages {
  overview: OverviewResponse;
  fund: FundResponse;
  hospitals: HospitalsResponse;
  procurement: ProcurementResponse;
  prices: PricesResponse;
  salary: SalaryResponse;
  indicators: IndicatorsResponse;
  findings: FindingsResponse;
}

export type DashboardPart = keyof DashboardPages;

/** `/api/dashboard/:j/:y/:part`, with `?institution=` when given. */
export function dashboardUrl(part: DashboardPart, jurisdiction: string, year: number, institution?: string | null): string {
  const q = institution ? `?${new URLSearchParams({ institution }).toString()}` : '';
  return `/api/dashboard/${encodeURIComponent(jurisdiction)}/${year}/${part}${q}`;
}

export const dashboardApi = {
  /** The years of a jurisdiction that have a dashboard, oldest first. */
  years: (jurisdiction: string) => getJson<{ jurisdiction: string; years: number[] }>(`/api/dashboard/${encodeURIComponent(jurisdiction)}`).then((r) => r.years),
  part: <P extends DashboardPart>(part: P, jurisdiction: string, year: number, institution?: string | null) =>
    getJson<DashboardPages[P]>(dashboardUrl(part, jurisdiction, year, institution)),
  trace: (jurisdiction: string, year: number, id: string) =>
    getJson<Trace>(`/api/dashboard/${encodeURIComponent(jurisdiction)}/${year}/trace/${encodeURIComponent(id)}`),
};

// ---------------------------------------------------------------------------------------------
// The care network (docs/network.md, issue 8): referral inbox/outbox with moves, and a built
// county-year's flows, family doctors, remote care and village workforce. Money is fen.

/** A measured share: numerator ÷ denominator, `value` null (with the reason) when the denominator is 0. */
export interface Share {
  numerator: number;
  denominator: number;
  value: number | null;
  reason?: string;
}

export const REFERRAL_STATES = ['requested', 'accepted', 'declined', 'arrived', 'record_returned', 'closed', 'cancelled', 'expired'] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];
export type ReferralActionName = 'accept' | 'decline' | 'arrive' | 'return_record' | 'close' | 'cancel';

export interface ReferralParty {
  id: string;
  level: string;
  inCounty: boolean;
  nameZh: string;
  nameEn: string;
}

export interface AllowedAction {
  action: ReferralActionName;
  to: ReferralState;
  party: 'sender' | 'receiver' | 'system';
  doctorOnly: boolean;
  /** 'required', 'optional' or 'none'. */
  reason: string;
  label: Bilingual;
}

export interface Referral {
  id: string;
  personId: string;
  diseaseId: string | null;
  /** The disease's name (null when the catalogue does not hold the id). */
  disease?: Bilingual | null;
  from: ReferralParty;
  to: ReferralParty;
  /** 'up' or 'down'. */
  direction: string;
  scope: string;
  state: ReferralState;
  version: number;
  requestedAt: string;
  stateSince: string;
  deadline: { kind: string; at: string } | null;
  allowedActions: AllowedAction[];
}

export interface ReferralEvent {
  seq: number;
  action: string;
  from: ReferralState | null;
  to: ReferralState;
  at: string;
  actor: { kind: string; id: string; institutionId?: string | null };
  reason?: string | null;
  encounterId?: string | null;
}

export interface ReferralDetail extends Referral {
  events: ReferralEvent[];
  encounterIds?: string[];
}

export interface ReferralBox {
  institution: string;
  box: 'inbox' | 'outbox';
  total: number;
  limit: number;
  offset: number;
  counts: Partial<Record<ReferralState, number>>;
  referrals: Referral[];
}

export interface ReferralMove {
  action: ReferralActionName;
  expectedVersion: number;
  actor: { kind: 'doctor' | 'staff'; id: string; institutionId: string };
  reason?: string;
}

export interface FlowsResponse {
  year: number;
  nodes: Array<{ id: string; label: Bilingual }>;
  links: Array<{ source: string; target: string; value: number; kind: string; direction?: string; notCompleted?: Partial<Record<'declined' | 'cancelled' | 'expired' | 'open', number>> }>;
  totals: { referrals: number; outOfCountyAdmissions: number; referredOutOfCounty: number; selfReferredOutOfCounty: number };
}

export interface FamilyDoctorsResponse {
  year: number;
  asOf?: string;
  residents?: number;
  coverage: { overall: Share; anyPriority?: Share; byGroup: Record<string, Share>; trace?: Trace };
  fulfilment: { overall?: Share; share?: Share; delivered?: number; promised?: number; byService: Record<string, Share | { promised: number; delivered: number }> };
  ownTeamVisitShare: Share;
  /** Contracts of the year before renewed this year (when the build measures it), with the counts where given. */
  renewal?: Share & { renewed?: number; new?: number; lapsed?: number };
  teams: Array<{ id: string; name?: Name; nameZh?: string; nameEn?: string; institutionId: string; members: number | unknown[]; gaps: unknown[]; contracts: number; paymentFen: number; perCapitaFen: number | null }>;
  payments: { totalFen: number; trace?: Trace };
  fee: { annualFen?: number; totalFen?: number; insuranceFen: number; personalFen: number; publicHealthFen: number; trace?: Trace };
}

/** A family-doctor team's panel (GET /api/network/{j}/{y}/family-doctors/teams/{team}). */
export interface TeamPanelResponse {
  jurisdiction: string;
  year: number;
  team: { id: string; nameZh: string; nameEn: string; institutionId: string; members: Array<{ staffId: string; role: string; title: string; institutionId: string }> };
  group: string | null;
  total: number;
  limit: number;
  offset: number;
  rows: Array<{
    contractId: string;
    personId: string;
    sex: string;
    age: number;
    start: string;
    end: string;
    packages: Array<{ id: string; label: { zh: string; en: string } }>;
    groups: string[];
    renewalOf: string | null;
    services: Array<{ service: string; promised: number; delivered: number }>;
    promised: number;
    credited: number;
    lastService: string | null;
  }>;
}

export interface TurnaroundRow {
  requests: number;
  reported: number;
  pending?: number;
  medianHours: number | null;
  p90Hours: number | null;
  withinLimit?: Share;
  onTime?: Share;
  limitHours?: number;
}

export interface RemoteResponse {
  year: number;
  note?: string;
  turnaround: { all?: TurnaroundRow; byKind?: Record<string, TurnaroundRow>; trace?: Trace } & Record<string, unknown>;
  series: Array<{ month: string; sessions: number; outOfCountyAdmissions: number; admissions?: number; outOfCountyShare?: number | null }>;
  sessions: { total: number; byKind: Record<string, number> };
}

export interface WorkforceResponse {
  year: number;
  asOf?: string;
  doctors: number;
  vacancy: { villages: number; withoutDoctor: number; share: Share; byTownship: Record<string, { villages: number; withoutDoctor: number }> };
  ageing: { bands: Array<{ label: string; count: number }>; ageing?: Share; ageingShare?: Share; meanAge?: number; inPost?: number; licensed?: Share; byQualification?: Record<string, number>; qualifications?: Record<string, number>; collegeGraduates: Share; trace?: Trace };
  subsidy: { month: string; totalFen: number; doctors: number; rows: Array<{ doctorId: string; totalFen: number; subsidyFen?: number; qualifiedAdditionFen?: number; pensionContributionFen?: number }>; trace?: Trace };
  training: { requiredDays?: number; completion: Share; trace?: Trace };
}

export interface AlertsResponse {
  total: number;
  limit: number;
  offset: number;
  alerts: Array<{ personId: string; encounterId: string; diseaseId: string; disease?: Bilingual; institutionId: string; date: string; message: Bilingual }>;
}

/** A staff member who may act for an institution in the referral workflow. */
export interface NetworkStaffMember {
  id: string;
  role: string;
  title: string;
  doctor: boolean;
}

const networkBase = (jurisdiction: string) => `/api/network/${encodeURIComponent(jurisdiction)}`;

export const networkApi = {
  /** An institution's inbox or outbox; `year`: only the referrals requested in it (China time). */
  referrals: (jurisdiction: string, q: { institution: string; box: 'inbox' | 'outbox'; state: ReferralState | null; year?: number | null; limit: number; offset: number }) => {
    const params = new URLSearchParams({ institution: q.institution, box: q.box, limit: String(q.limit), offset: String(q.offset) });
    if (q.state) params.set('state', q.state);
    if (q.year !== undefined && q.year !== null) params.set('year', String(q.year));
    return getJson<ReferralBox>(`${networkBase(jurisdiction)}/referrals?${params.toString()}`);
  },
  staff: (jurisdiction: string, institution: string) => getJson<{ institution: string; staff: NetworkStaffMember[] }>(`${networkBase(jurisdiction)}/staff?institution=${encodeURIComponent(institution)}`),
  referral: (jurisdiction: string, id: string) => getJson<ReferralDetail>(`${networkBase(jurisdiction)}/referrals/${encodeURIComponent(id)}`),
  move: (jurisdiction: string, id: string, move: ReferralMove) => getJson<Referral>(`${networkBase(jurisdiction)}/referrals/${encodeURIComponent(id)}/actions`, { method: 'POST', body: move }),
  flows: (jurisdiction: string, year: number) => getJson<FlowsResponse>(`${networkBase(jurisdiction)}/${year}/flows`),
  familyDoctors: (jurisdiction: string, year: number) => getJson<FamilyDoctorsResponse>(`${networkBase(jurisdiction)}/${year}/family-doctors`),
  teamPanel: (jurisdiction: string, year: number, team: string, q: { group: string | null; limit: number; offset: number }) =>
    getJson<TeamPanelResponse>(`${networkBase(jurisdiction)}/${year}/family-doctors/teams/${encodeURIComponent(team)}?limit=${q.limit}&offset=${q.offset}${q.group ? `&group=${q.group}` : ''}`),
  remote: (jurisdiction: string, year: number) => getJson<RemoteResponse>(`${networkBase(jurisdiction)}/${year}/remote`),
  workforce: (jurisdiction: string, year: number) => getJson<WorkforceResponse>(`${networkBase(jurisdiction)}/${year}/workforce`),
  alerts: (jurisdiction: string, year: number, limit: number) => getJson<AlertsResponse>(`${networkBase(jurisdiction)}/${year}/alerts?limit=${limit}`),
};
