import { expect, it } from 'vitest';
import * as env from './env/index.js';
import * as http from './http/index.js';
import * as jobs from './jobs/index.js';

// The risk subpath has its own snapshot next to it (risk/exports.test.ts).
it('@xmargin/schemas/http exports exactly the documented names', () => {
  expect(Object.keys(http).sort()).toEqual([
    'accountDto',
    'accountIdString',
    'accountParams',
    'addressChain',
    'addressListDto',
    'apiKeyDto',
    'attestationAcceptedDto',
    'attestationRegistryBody',
    'chainFreshness',
    'challengeBody',
    'challengeDto',
    'createAccountBody',
    'createApiKeyBody',
    'decimalString',
    'diffQuery',
    'dynamicAssetBody',
    'dynamicParamsDto',
    'dynamicPolicyBody',
    'emitterEntry',
    'errorBody',
    'expiryMarket',
    'explainDto',
    'failedJobsDto',
    'finite',
    'guardianUpgradeBody',
    'historyQuery',
    'jobParams',
    'linkAddressBody',
    'linkedAddress',
    'marginHistoryDto',
    'marginSnapshotDto',
    'marginSummary',
    'marketBody',
    'marketDataBody',
    'marketDataDto',
    'marketDataWriteDto',
    'okBody',
    'paramsAuditDto',
    'paramsDiffDto',
    'paramsVersionDto',
    'positionBody',
    'positionParams',
    'positionsDto',
    'postPythBody',
    'postQueryBody',
    'postVaaBody',
    'priceQuote',
    'proposeParamsBody',
    'pythFeedEntry',
    'queueParams',
    'queueStatsDto',
    'reverifyRequestsDto',
    'reverifyRequestsQuery',
    'roleEnum',
    'storedPosition',
    'tokenEntry',
    'trustStoreBody',
    'unixSeconds',
    'upsertPositionsBody',
    'versionParams',
    'whatIfBody',
    'whatIfDto',
  ]);
});

it('@xmargin/schemas/jobs exports exactly the documented names', () => {
  expect(Object.keys(jobs).sort()).toEqual([
    'indexChainPayload',
    'marketMovePayload',
    'recomputeAccountPayload',
    'recomputeReason',
    'reverifyExpiringPayload',
  ]);
});

it('@xmargin/schemas/env exports exactly the documented names', () => {
  expect(Object.keys(env).sort()).toEqual([
    'engineEnv',
    'evmIndexNetwork',
    'indexNetwork',
    'solanaIndexNetwork',
  ]);
});
