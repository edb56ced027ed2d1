export {
  accountSchema,
  collateralBalanceSchema,
  marginDocumentSchema,
  marketSchema,
  positionSchema,
} from './document.js';
export { fullParamsSchema, paramsOverridesSchema, paramsSpecSchema, presetParamsSchema } from './params.js';
export {
  type DocumentIssue,
  documentIssues,
  formatIssuePath,
  parseJson,
  parseMarginDocument,
  parseStressDocument,
  parseWhatIfDocument,
} from './parse.js';
export { marginResultSchema, marginSummarySchema, whatIfResultSchema } from './result.js';
export {
  depthModelSchema,
  stressAccountSchema,
  stressDocumentSchema,
  stressModeSchema,
  stressPolicySchema,
  stressPositionSchema,
  stressRunRequestSchema,
} from './stress.js';
export { whatIfChangeSchema, whatIfDocumentSchema } from './what-if.js';
