export {
  accountSchema,
  collateralBalanceSchema,
  marginDocumentSchema,
  marketSchema,
  positionSchema,
} from './document.js';
export {
  auctionParamsSpecSchema,
  fullAuctionParamsSchema,
  liquidationActionSchema,
  liquidationDocumentSchema,
  marketUpdateSchema,
  presetAuctionParamsSchema,
} from './liquidation.js';
export {
  auctionTransitionSchema,
  liquidationActionResultSchema,
  liquidationSimulationSchema,
} from './liquidation-result.js';
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
  parseLiquidationDocument,
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
