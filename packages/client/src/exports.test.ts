import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual([
    'WEBHOOK_SIGNATURE_HEADER',
    'abortableSleep',
    'backoffDelay',
    'createHttpTransport',
    'createXmarginClient',
    'mapErrorResponse',
    'parseRetryAfter',
    'readEventStream',
    'signWebhook',
    'verifyWebhookSignature',
    'xmarginOperations',
  ]);
});
