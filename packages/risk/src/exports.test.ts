import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual([
    'applyChanges',
    'black76',
    'black76Greeks',
    'blackScholes',
    'blackScholesGreeks',
    'computeMargin',
    'computeMarginSummary',
    'createRiskBook',
    'erfc',
    'maxPassingSize',
    'nextScale',
    'normCdf',
    'normPdf',
    'presets',
    'resolveParams',
    'scaleParams',
    'updateVolatility',
    'volatilityOf',
    'whatIf',
  ]);
});
