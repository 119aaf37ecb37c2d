/**
 * The data items (数据项) indicator expressions may name: exactly the item table of
 * docs/dashboard.md. Each item is a number computed from the store for one county-year and one scope
 * (`county`: the whole county of the jurisdiction; `institution`: one institution). Money items are in
 * integer fen, counts are counts. An item not computable from the store is absent, and an indicator
 * that needs it is null with the reason `missing item <name>`.
 *
 * Change this list together with docs/dashboard.md and src/runs/indicators.ts (which computes them).
 */
import type { Bilingual, Unit } from '../rules/params.js';

export const SCOPES = ['county', 'institution'] as const;
export type Scope = (typeof SCOPES)[number];

export interface DataItem {
  name: string;
  label: Bilingual;
  unit: Unit;
  scopes: readonly Scope[];
}

const C: readonly Scope[] = ['county'];
const CI: readonly Scope[] = ['county', 'institution'];

function item(name: string, zh: string, en: string, unit: Unit, scopes: readonly Scope[]): DataItem {
  return { name, label: { zh, en }, unit, scopes };
}

/** The item catalogue (数据项目录). */
export const ITEMS: readonly DataItem[] = [
  item('population', '参保居民人数', 'Insured residents enrolled in the year', 'count', C),
  item('visits.total', '门急诊人次', 'Outpatient and emergency visits', 'count', CI),
  item('visits.inCounty', '县域内门急诊人次', 'Visits at in-county institutions', 'count', C),
  item('visits.primary', '基层门急诊人次', 'Visits at village and township institutions', 'count', C),
  item('visits.primaryTcm', '基层中医药门急诊人次', 'Primary visits with a Chinese herbal-drug fee', 'count', C),
  item('admissions.total', '住院人次', 'Inpatient admissions', 'count', CI),
  item('admissions.inCounty', '县域内住院人次', 'Admissions in county', 'count', C),
  item('admissions.outOfCounty', '县域外住院人次', 'Admissions out of county', 'count', C),
  item('revenue.medical', '医疗收入', 'Medical revenue (total charges of in-county encounters)', 'fen', CI),
  item('revenue.drug', '药品收入', 'Drug revenue (western, patent and herbal drug fees)', 'fen', CI),
  item('revenue.consumable', '卫生材料收入', 'Consumables revenue (materials fees)', 'fen', CI),
  item('revenue.examLab', '检查化验收入', 'Examination and laboratory revenue', 'fen', CI),
  item('revenue.medicalService', '医务性收入', 'Medical-service revenue (medical − drug − consumable − examination and laboratory)', 'fen', CI),
  item('revenue.outpatient', '门急诊收入', 'Outpatient and emergency revenue (in-county visits)', 'fen', CI),
  item('revenue.inpatient', '住院收入', 'Inpatient revenue (in-county admissions)', 'fen', CI),
  item('drugRevenue.outpatient', '门急诊药品收入', 'Drug fees of visits', 'fen', CI),
  item('drugRevenue.inpatient', '住院药品收入', 'Drug fees of admissions', 'fen', CI),
  item('chronic.patients', '高血压、糖尿病患者数', 'Persons with a hypertension or diabetes encounter', 'count', C),
  item('chronic.primaryManaged', '基层管理的高血压、糖尿病患者数', '… of them with a visit for it at village or township level', 'count', C),
  item('fund.total', '参保居民医保基金支出', 'Fund paid for residents’ claims', 'fen', C),
  item('fund.inCounty', '县域内医保基金支出', 'Fund paid to in-county institutions', 'fen', C),
  item('fund.primary', '基层医保基金支出', 'Fund paid to village and township institutions', 'fen', C),
  item('fund.balanceMonths', '医保基金累计结存可支付月数', 'Fund balance in months of spending after the year', 'months', C),
  item('package.budget', '打包付费预算', 'Package budget', 'fen', C),
  item('package.charged', '打包付费已列支', 'Charges against the package', 'fen', C),
  item('package.balance', '打包付费结余', 'Package balance (budget − charged)', 'fen', C),
  item('package.retained', '结余留用', 'Package surplus retained', 'fen', C),
  item('drg.cases', 'DRG付费病例数', 'DRG-paid cases', 'count', CI),
  item('drg.weightSum', 'DRG权重合计', 'Sum of the relative weights of DRG cases', 'coefficient', CI),
  item('drg.costIndex', '费用消耗指数', 'Cost consumption index', 'coefficient', CI),
  item('drg.timeIndex', '时间消耗指数', 'Time consumption index', 'coefficient', CI),
  item('drg.paymentFen', 'DRG病组支付', 'Group payment of DRG cases', 'fen', CI),
  item('drg.chargesFen', 'DRG病例医疗费用', 'Item charges of DRG cases', 'fen', CI),
  item('referrals.up', '上转人次', 'Upward referrals (by sender)', 'count', CI),
  item('referrals.down', '下转人次', 'Downward referrals (by sender)', 'count', CI),
  item('vbp.agreedToDate', '带量采购序时约定量', 'Agreed volume due by year end (time progress), minimum units', 'count', CI),
  item('vbp.purchasedSelected', '中选产品采购量', 'Purchased volume of selected products, minimum units', 'count', CI),
  item('vbp.selectedQty', '中选产品使用量', 'Volume of selected products', 'count', CI),
  item('vbp.moleculeQty', '同通用名药品使用量', 'Volume of all products of the same molecules', 'count', CI),
  item('vbp.savingFen', '带量采购节约金额', 'Procurement saving', 'fen', CI),
  item('salary.budget', '工资总额', 'Salary budget', 'fen', CI),
  item('salary.paid', '已分配薪酬', 'Distributed pay', 'fen', CI),
  item('outreach.sessions', '专家下沉坐诊次数', 'Outreach sessions held (famous-doctor studios, visiting specialists), at the host institution', 'count', CI),
  item('outreach.patients', '专家下沉坐诊接诊人次', 'Patients seen at the outreach sessions', 'count', CI),
  item('outreach.admissions', '下沉专科病种住院人次', 'Admissions of the outreach specialties’ diseases', 'count', C),
  item('outreach.outOfCountyAdmissions', '下沉专科病种县域外住院人次', '… of them out of county', 'count', C),
  item('supervision.findings', '基金监管线索数', 'Fund-supervision findings', 'count', CI),
  item('supervision.amountFen', '基金监管线索金额', 'Amount of fund-supervision findings', 'fen', CI),
];

const BY_NAME: ReadonlyMap<string, DataItem> = new Map(ITEMS.map((i) => [i.name, i]));

/** The catalogue entry of an item, or undefined when the name is not an item. */
export function itemOf(name: string): DataItem | undefined {
  return BY_NAME.get(name);
}

/** The known item closest to a name (edit distance), for "did you mean …" messages. */
export function closestItem(name: string): string {
  let best = ITEMS[0]!.name;
  let bestD = Infinity;
  for (const i of ITEMS) {
    const d = editDistance(name.toLowerCase(), i.name.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = i.name;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
