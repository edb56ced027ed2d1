import { xmarginProject } from '../vitest.shared.js';

// Each file starts real processes (devnets, engine, relayer) in beforeAll: on a loaded CI machine that
// alone can take a minute, hence the generous hook timeout.
export default xmarginProject('e2e', {
  include: ['src/**/*.test.ts'],
  testTimeout: 120_000,
  hookTimeout: 240_000,
});
