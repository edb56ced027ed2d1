import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual([
    'accountSchema',
    'collateralBalanceSchema',
    'depthModelSchema',
    'documentIssues',
    'formatIssuePath',
    'fullParamsSchema',
    'marginDocumentSchema',
    'marginResultSchema',
    'marginSummarySchema',
    'marketSchema',
    'paramsOverridesSchema',
    'paramsSpecSchema',
    'parseJson',
    'parseMarginDocument',
    'parseStressDocument',
    'parseWhatIfDocument',
    'positionSchema',
    'presetParamsSchema',
    'stressAccountSchema',
    'stressDocumentSchema',
    'stressModeSchema',
    'stressPolicySchema',
    'stressPositionSchema',
    'stressRunRequestSchema',
    'whatIfChangeSchema',
    'whatIfDocumentSchema',
    'whatIfResultSchema',
  ]);
});
