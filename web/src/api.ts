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

async function getJson<T>(url: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' } });
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
