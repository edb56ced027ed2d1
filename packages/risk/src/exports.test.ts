import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual([
    'STRESS_MODES',
    'applyBid',
    'applyChanges',
    'auctionDiscount',
    'auctionParamsIssues',
    'auctionPresets',
    'black76',
    'black76Greeks',
    'blackScholes',
    'blackScholesGreeks',
    'bufferMargin',
    'computeMargin',
    'computeMarginSummary',
    'createRiskBook',
    'erfc',
    'evaluateAuction',
    'insolventBidPrice',
    'liquidationFee',
    'maxFraction',
    'maxPassingSize',
    'normCdf',
    'normPdf',
    'presets',
    'resolveAuctionParams',
    'resolveParams',
    'runStress',
    'simulateLiquidation',
    'solventBidPrice',
    'splitAccount',
    'whatIf',
  ]);
});
