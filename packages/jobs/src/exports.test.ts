import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual([
    'HIGHEST_PRIORITY',
    'LOWEST_PRIORITY',
    'UNKNOWN_PRIORITY',
    'allQueueNames',
    'createAccountIndex',
    'createJobWorker',
    'createProducers',
    'createQueueAdmin',
    'createRedisConnection',
    'defaultJobOptions',
    'deleteKeysWithPrefix',
    'indexChainSchedulerKey',
    'liquidationPriority',
    'marketMoveJobKey',
    'payloadSchemas',
    'queueNames',
    'recomputeJobKey',
    'reverifySchedulerKey',
    'validatePayload',
  ]);
});
