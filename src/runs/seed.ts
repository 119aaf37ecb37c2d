/**
 * First start: when the database holds no jurisdictions, load the demo county's jurisdiction tree
 * from the parameter tree. The synthetic county's people, institutions and care (issue 3) will be
 * loaded here too. Idempotent: running it again changes nothing.
 */
import type { ParamTree } from '../rules/params.js';
import type { Store } from '../store/store.js';

export interface SeedResult {
  loaded: boolean;
  jurisdictions: number;
}

export async function seedIfEmpty(store: Store, params: ParamTree, log: (msg: string) => void = () => {}): Promise<SeedResult> {
  const [row] = await store.query<{ n: number }>('select count(*)::int as n from jurisdictions');
  if ((row?.n ?? 0) > 0) return { loaded: false, jurisdictions: row?.n ?? 0 };
  log('empty database: loading the demo jurisdictions (演示县)…');
  const list = params.jurisdictions();
  await store.transaction(async (tx) => {
    for (const j of list) {
      await tx.query(
        `insert into jurisdictions (id, parent_id, level, adcode, name_zh, name_en) values ($1, $2, $3, $4, $5, $6)
         on conflict (id) do nothing`,
        [j.id, j.parent, j.level, j.adcode, j.name.zh, j.name.en],
      );
    }
  });
  log(`loaded ${list.length} jurisdictions; the synthetic county's people and care arrive with the demo generator (issue 3)`);
  return { loaded: true, jurisdictions: list.length };
}
