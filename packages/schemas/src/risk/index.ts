export {
  accountSchema,
  collateralBalanceSchema,
  marginDocumentSchema,
  marketSchema,
  positionSchema,
} from './document.js';
export {
  fullParamsSchema,
  paramsOverridesSchema,
  paramsSpecSchema,
  pmrm2FullParamsSchema,
  pmrm2OverridesSchema,
  presetParamsSchema,
} from './params.js';
export {
  type DocumentIssue,
  documentIssues,
  formatIssuePath,
  parseJson,
  parseMarginDocument,
  parseWhatIfDocument,
} from './parse.js';
export { marginResultSchema, marginSummarySchema, whatIfResultSchema } from './result.js';
export { whatIfChangeSchema, whatIfDocumentSchema } from './what-if.js';
