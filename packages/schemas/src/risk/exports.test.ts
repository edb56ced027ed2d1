import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual([
    'accountSchema',
    'collateralBalanceSchema',
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
    'parseWhatIfDocument',
    'pmrm2FullParamsSchema',
    'pmrm2OverridesSchema',
    'positionSchema',
    'presetParamsSchema',
    'whatIfChangeSchema',
    'whatIfDocumentSchema',
    'whatIfResultSchema',
  ]);
});
