import { useEffect, useState } from 'react';
import { ApiError } from './api';

export type Loadable<T> =
  | { state: 'loading' }
  | { state: 'error'; error: ApiError }
  | { state: 'ok'; data: T };

/**
 * Runs `load` when `key` changes and tracks its result. A stale answer (the key changed while the
 * request was under way) is dropped rather than aborted, so the browser logs no cancelled requests.
 * `load` must be a function of `key` alone.
 */
export function useApi<T>(key: string | null, load: () => Promise<T>): Loadable<T> | null {
  const [result, setResult] = useState<{ key: string; value: Loadable<T> } | null>(null);

  useEffect(() => {
    if (key === null) return;
    let current = true;
    load().then(
      (data) => current && setResult({ key, value: { state: 'ok', data } }),
      (e: unknown) => {
        const error = e instanceof ApiError ? e : new ApiError(0, 'client', e instanceof Error ? e.message : String(e));
        if (current) setResult({ key, value: { state: 'error', error } });
      },
    );
    return () => {
      current = false;
    };
  }, [key]);

  if (key === null) return null;
  return result?.key === key ? result.value : { state: 'loading' };
}
