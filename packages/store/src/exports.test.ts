import { expect, it } from 'vitest';
import * as api from './index.js';

it('exports exactly the documented names', () => {
  expect(Object.keys(api).sort()).toEqual(['dropSchema', 'hashApiKey', 'openStore', 'trustOf']);
});
