/**
 * Fee categories of the national medical-insurance settlement list (医保结算清单 收费项目类别), in the
 * order the encounter rows and files carry them.
 */
export const FEE_CATEGORIES = [
  'bed', // 床位费
  'consultation', // 诊查费
  'examination', // 检查费
  'laboratory', // 化验费
  'treatment', // 治疗费
  'surgery', // 手术费
  'nursing', // 护理费
  'materials', // 卫生材料费
  'western_drug', // 西药费
  'patent_drug', // 中成药费
  'herbal_drug', // 中药饮片费
  'general_diagnosis', // 一般诊疗费
  'registration', // 挂号费
  'other', // 其他费
] as const;
export type FeeCategory = (typeof FEE_CATEGORIES)[number];

export const FEE_CATEGORY_LABELS: Record<FeeCategory, { zh: string; en: string }> = {
  bed: { zh: '床位费', en: 'Bed' },
  consultation: { zh: '诊查费', en: 'Consultation' },
  examination: { zh: '检查费', en: 'Examination' },
  laboratory: { zh: '化验费', en: 'Laboratory' },
  treatment: { zh: '治疗费', en: 'Treatment' },
  surgery: { zh: '手术费', en: 'Surgery' },
  nursing: { zh: '护理费', en: 'Nursing' },
  materials: { zh: '卫生材料费', en: 'Medical materials' },
  western_drug: { zh: '西药费', en: 'Western medicines' },
  patent_drug: { zh: '中成药费', en: 'Chinese patent medicines' },
  herbal_drug: { zh: '中药饮片费', en: 'Chinese herbal pieces' },
  general_diagnosis: { zh: '一般诊疗费', en: 'General diagnosis and treatment fee' },
  registration: { zh: '挂号费', en: 'Registration' },
  other: { zh: '其他费', en: 'Other' },
};

