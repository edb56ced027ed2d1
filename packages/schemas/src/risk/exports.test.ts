import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual([
    'accountSchema',
    'auctionParamsSpecSchema',
    'auctionTransitionSchema',
    'collateralBalanceSchema',
    'documentIssues',
    'formatIssuePath',
    'fullAuctionParamsSchema',
    'fullParamsSchema',
    'liquidationActionResultSchema',
    'liquidationActionSchema',
    'liquidationDocumentSchema',
    'liquidationSimulationSchema',
    'marginDocumentSchema',
    'marginResultSchema',
    'marginSummarySchema',
    'marketSchema',
    'marketUpdateSchema',
    'paramsOverridesSchema',
    'paramsSpecSchema',
    'parseJson',
    'parseLiquidationDocument',
    'parseMarginDocument',
    'parseWhatIfDocument',
    'positionSchema',
    'presetAuctionParamsSchema',
    'presetParamsSchema',
    'whatIfChangeSchema',
    'whatIfDocumentSchema',
    'whatIfResultSchema',
  ]);
});
