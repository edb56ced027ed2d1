import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual([
    'REDACTED_PATHS',
    'collectProcessMetrics',
    'createLogger',
    'errorCodeOf',
    'redactUrl',
    'retryUntilReady',
    'runReadinessProbes',
    'silentLogger',
    'startOpsServer',
    'throttledLog',
  ]);
});
