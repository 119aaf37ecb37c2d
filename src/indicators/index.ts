/**
 * Indicators (指标, DOMAIN.md §9, issue 7 §1): definitions as data over named data items, their
 * evaluation with traces, and assessment scoring as data. Pure domain module: reads its YAML files
 * and nothing else; see README.md.
 */
export { ITEMS, SCOPES, itemOf, closestItem, type DataItem, type Scope } from './items.js';
export { parseExpression, evaluateExpression, itemsOf, render as renderExpression, ExpressionError, type Expr, type ExprResult } from './expression.js';
export {
  loadIndicators,
  loadIndicatorCatalogue,
  parseIndicators,
  parseIndicatorFile,
  indicatorsOfSet,
  formatIssue,
  IndicatorDefinitionError,
  SHIPPED_INDICATORS_DIR,
  INDICATOR_UNITS,
  UNIT_FACTOR,
  DIRECTIONS,
  type IndicatorDefinition,
  type IndicatorSet,
  type IndicatorCatalogue,
  type IndicatorFixture,
  type IndicatorIssue,
  type IndicatorUnit,
  type Direction,
  type Target,
} from './definitions.js';
export { evaluateIndicator, evaluateAll, evaluateTrend, meetsTarget, targetCondition, type IndicatorValue } from './evaluate.js';
export {
  loadAssessmentScheme,
  loadAssessmentSchemes,
  parseAssessmentScheme,
  scoreAssessment,
  schemeInForce,
  AssessmentSchemeError,
  SHIPPED_ASSESSMENT_DIR,
  type AssessmentScheme,
  type AssessmentItem,
  type AssessmentItemResult,
  type AssessmentResult,
  type AssessmentValue,
  type ScoringRule,
} from './assessment.js';
